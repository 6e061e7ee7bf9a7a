from django.db import models
from django.utils.translation import gettext_lazy as _


class SweepStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class VisitStatus(models.TextChoices):
    """A household's state in a sweep. 不在家 may be tried again; after the sweep's limit of
    tries it is 未遇 (counted, no longer on the worker's list)."""

    PENDING = "pending", _("待走访")
    NOT_HOME = "not_home", _("不在家（待再访）")
    UNMET = "unmet", _("未遇")
    REFUSED = "refused", _("拒绝")
    VISITED = "visited", _("已走访")


# Households still to walk to: on the worker's list and in 未走访.
UNVISITED = (VisitStatus.PENDING, VisitStatus.NOT_HOME)


class Presence(models.TextChoices):
    PRESENT = "present", _("在家")
    AWAY = "away", _("外出")


class MemberKind(models.TextChoices):
    REGISTERED = "registered", _("台账人员")
    NEW_RESIDENT = "new_resident", _("新增常住人员")
    VISITOR = "visitor", _("来访暂住人员")


class QuestionType(models.TextChoices):
    CHOICE = "choice", _("单选")
    BOOL = "bool", _("是否")
    TEXT = "text", _("文字")


class CoverageLevel(models.TextChoices):
    TOWNSHIP = "township", _("乡镇（街道）")
    VILLAGE = "village", _("村（社区）")
    GRID = "grid", _("网格")


class DiffKind(models.TextChoices):
    CHANGED = "changed", _("有变化")
    NEW = "new", _("本轮新登记")
    MISSING = "missing", _("本轮未登记")
