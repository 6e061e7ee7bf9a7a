"""Statuses and kinds of the testing area (核酸检测), glossary names."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import TestKind  # noqa: F401 — shared, re-exported


class SampleKind(models.TextChoices):
    SINGLE = "single", _("单采")
    POOL = "pool", _("混采")


# Tube sizes a site may choose: single, 5合1, 10合1, 20合1.
POOL_SIZES = (1, 5, 10, 20)


def pool_label(size: int) -> str:
    """单采 / 5合1 / 10合1 in the user's language."""
    return str(_("单采")) if size == 1 else str(_("%(size)s合1") % {"size": size})


class SampleStatus(models.TextChoices):
    OPEN = "open", _("采样中")
    SEALED = "sealed", _("已封管")
    RESULTED = "resulted", _("已出结果")


class Result(models.TextChoices):
    PENDING = "pending", _("待出结果")
    NEGATIVE = "negative", _("阴性")
    POSITIVE = "positive", _("阳性")
    INVALID = "invalid", _("无效")


class ExemptionReason(models.TextChoices):
    """Why a resident is not expected at the site. Bedridden people stay expected (home sampling)."""

    INFANT = "infant", _("婴幼儿")
    BEDRIDDEN = "bedridden", _("卧床(上门采样)")
    AWAY = "away", _("外出")
    OTHER = "other", _("其他")


# Reasons that take a resident out of the expected population of a round.
EXCLUDING_REASONS = (ExemptionReason.INFANT, ExemptionReason.AWAY, ExemptionReason.OTHER)


class MissReason(models.TextChoices):
    """Why an expected resident was not sampled, as the grid worker records it."""

    AWAY = "away", _("外出")
    REFUSED = "refused", _("拒检")
    SICK = "sick", _("患病")
    OTHER = "other", _("其他")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待上门")
    DONE = "done", _("已单采")
    CANCELLED = "cancelled", _("已取消")


class ResamplingCause(models.TextChoices):
    POOL_POSITIVE = "pool_positive", _("混管阳性")
    POOL_INVALID = "pool_invalid", _("混管无效")
    INVALID = "invalid", _("单管无效")


class ComplianceStatus(models.TextChoices):
    COMPLIANT = "compliant", _("按时检测")
    OVERDUE = "overdue", _("逾期未检")
    NEVER = "never", _("从未检测")
