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


# --- 县外人员底数 and 返县报备 ---------------------------------------------------------------

class AwayStatus(models.TextChoices):
    AWAY = "away", _("在县外")
    RETURNED = "returned", _("已返县")


class ReturnPlan(models.TextChoices):
    """What a person away said about coming back."""

    UNDECIDED = "undecided", _("未定")
    WILL_RETURN = "will_return", _("计划返县")
    STAYING = "staying", _("留在当地")


class ContactMethod(models.TextChoices):
    PHONE = "by_phone", _("电话")
    WECHAT = "by_wechat", _("微信")
    SMS = "by_sms", _("短信")
    FAMILY = "via_family", _("通过家属")


class ContactAdvice(models.TextChoices):
    """What the liaison told them (劝返 / 留在远端)."""

    STAY = "stay", _("劝其留在当地（留在远端）")
    RETURN = "return", _("劝返")
    REPORT_FIRST = "report_first", _("告知须提前报备")
    NOT_REACHED = "not_reached", _("未联系上")


class AwayTaskKind(models.TextChoices):
    CALL = "call", _("风险地联系")
    ARRIVAL = "arrival", _("到达核验")
    SEEN = "seen", _("重点关注人员出现")


class AwayTaskStatus(models.TextChoices):
    OPEN = "open", _("待办")
    DONE = "done", _("已办结")


class ReporterKind(models.TextChoices):
    SELF = "self", _("本人")
    FAMILY = "family", _("家属")
    CADRE = "cadre", _("村干部（包联干部）")
    EMPLOYER = "employer", _("用工单位（返岗）")


class ReturnStatus(models.TextChoices):
    EXPECTED = "expected", _("待返县")
    ARRIVED = "arrived", _("已到达")
    CANCELLED = "cancelled", _("已取消")


class ArrivalDue(models.TextChoices):
    """The return-report list's filter by arrival day (the board's figures click through to it)."""

    TODAY = "today", _("今日到达")
    TOMORROW = "tomorrow", _("明日到达")
    OVERDUE = "overdue", _("已过到达日未确认")


# --- 离线填报 (the phone app's queue) ---------------------------------------------------------

class OfflineKind(models.TextChoices):
    """What one answer sent from the phone's queue is."""

    MEMBER = "offline_member", _("排摸人员登记")
    NOT_HOME = "offline_not_home", _("排摸不在家")
    REFUSED = "offline_refused", _("拒绝排摸")
    ATTEMPT = "offline_attempt", _("联系记录")
    STAGE = "offline_stage", _("核查节点")
    DOOR_CHECK = "offline_door_check", _("上门查看")


class OfflineResult(models.TextChoices):
    DONE = "done", _("已保存")
    CONFLICT = "conflict", _("冲突")
    INVALID = "invalid", _("填报有误")
# --- 群众举报 (tip-offs) -----------------------------------------------------------------------

class TipOffKind(models.TextChoices):
    UNREPORTED_RETURN = "unreported_return", _("私自返县/未报备返回")
    GATHERING = "gathering", _("聚集")
    OPEN_AGAINST_ORDER = "open_against_order", _("违规营业")
    OTHER = "other", _("其他")


class TipOffStatus(models.TextChoices):
    """待处理 → 已转线索 / 已转检查 / 不属实 / 重复 / 已办结."""

    PENDING = "pending", _("待处理")
    TO_LEAD = "to_lead", _("已转线索")
    TO_INSPECTION = "to_inspection", _("已转检查")
    UNFOUNDED = "unfounded", _("不属实")
    DUPLICATE = "duplicate", _("重复")
    DONE = "done", _("已办结")


# The outcomes a handler may record without converting (the detail page's and the API's buttons).
TIP_OFF_VERDICTS = (TipOffStatus.UNFOUNDED, TipOffStatus.DUPLICATE, TipOffStatus.DONE)
# --- 四对一 (4+1) home-isolation teams ---------------------------------------------------------

class CareRole(models.TextChoices):
    """A seat of a care team (四对一 / 4+1): who answers for a person under a home measure."""

    TOWNSHIP_CADRE = "township_cadre", _("乡镇干部")
    VILLAGE_CADRE = "village_cadre", _("村干部")
    DOCTOR = "doctor", _("医生")
    POLICE = "police", _("民警")
    GRID_WORKER = "grid_worker", _("网格员")


class CareItem(models.TextChoices):
    """What a team member checks."""

    HEALTH = "health", _("体温/健康监测")
    DOOR = "door", _("门磁/居家情况")
    SAMPLING = "sampling", _("核酸采样")
    SUPPLIES = "supplies", _("生活保障")


class CheckResult(models.TextChoices):
    NORMAL = "normal", _("正常")
    ABNORMAL = "abnormal", _("异常")


class CareDue(models.TextChoices):
    """The duty list's filter by due time."""

    OVERDUE = "overdue", _("已逾期")
    TODAY = "today", _("今日到期")


# --- 通知全覆盖 (notices) -----------------------------------------------------------------------

class NoticeAudience(models.TextChoices):
    AWAY_IN_RISK = "away_in_risk", _("风险地区的外出人员")
    SWEEP_RISK = "sweep_risk", _("排摸风险答复")
    RESIDENTS = "residents", _("村/社区居民")


class NoticeStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    SENDING = "sending", _("发送中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("发送失败")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENT = "sent", _("已发送")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("发送失败")
    NO_PHONE = "no_phone", _("无有效手机号")


# Not reached: what the "not reached" list and a resend take.
NOT_REACHED = (DeliveryStatus.FAILED, DeliveryStatus.NO_PHONE)
