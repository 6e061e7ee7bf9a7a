from django.db import models
from django.utils.translation import gettext_lazy as _


class VenueStatus(models.TextChoices):
    OPEN = "venue_open", _("正常营业")
    RESTRICTED = "venue_restricted", _("限流营业")
    CLOSED = "venue_closed", _("暂停营业（关停令）")
    SUSPENDED = "venue_suspended", _("停业整顿")


class Finding(models.TextChoices):
    COMPLIANT = "compliant", _("合格")
    RECTIFY = "rectify", _("责令整改")
    SUSPEND = "suspend", _("停业整顿")


class Answer(models.TextChoices):
    YES = "item_yes", _("符合")
    NO = "item_no", _("不符合")
    NA = "item_na", _("不涉及")


class ReinspectionStatus(models.TextChoices):
    DUE = "reinspect_due", _("待复查")
    DONE = "reinspect_done", _("已复查")


class OrderKind(models.TextChoices):
    CLOSE = "order_close", _("暂停营业")
    RESTRICT = "order_restrict", _("限流营业")


class OrderStatus(models.TextChoices):
    ACTIVE = "order_active", _("生效中")
    LIFTED = "order_lifted", _("已解除")


# 卡口 (checkpoints, issue #13 item 3) ------------------------------------------------------

class CheckpointKind(models.TextChoices):
    COUNTY_BORDER = "county_border", _("外省市交通卡口")
    VILLAGE_GATE = "village_gate", _("村口卡口")
    COMPOUND_GATE = "compound_gate", _("小区卡口")


class VehicleType(models.TextChoices):
    CAR = "car", _("小型客车")
    BUS = "bus", _("大中型客车")
    TRUCK = "truck", _("货车")
    MOTORCYCLE = "motorcycle", _("摩托车")
    OTHER = "other_vehicle", _("其他车辆")


class HealthCode(models.TextChoices):
    GREEN = "green", _("绿码")
    YELLOW = "yellow", _("黄码")
    RED = "red", _("红码")
    UNKNOWN = "code_unknown", _("未出示")


class ItineraryCode(models.TextChoices):
    NORMAL = "trip_normal", _("行程卡正常")
    STARRED = "trip_starred", _("行程卡带星")
    UNKNOWN = "trip_unknown", _("未出示")


class TestResult(models.TextChoices):
    NEGATIVE = "test_negative", _("阴性")
    POSITIVE = "test_positive", _("阳性")
    NONE = "test_none", _("无检测结果")


class TransitStatus(models.TextChoices):
    """过境车辆: not in transit, in transit (entered, not yet out), or exited the county."""

    NOT_TRANSIT = "not_transit", _("非过境")
    IN_TRANSIT = "in_transit", _("过境未出")
    EXITED = "exited", _("已出县")


class EventKind(models.TextChoices):
    """红白事: a wedding is reported ahead, a funeral at once."""

    WEDDING = "wedding", _("婚事（喜事）")
    FUNERAL = "funeral", _("丧事")
    OTHER = "other_event", _("其他聚集性家宴")


class EventStatus(models.TextChoices):
    REPORTED = "event_reported", _("已报备")
    SUPERVISING = "event_supervising", _("已指派督导")
    CHECKED = "event_checked", _("已现场检查")
    CANCELLED = "event_cancelled", _("已取消")


class ResumptionStatus(models.TextChoices):
    """复工复产申请: applied, then decided after the regulator's on-site check."""

    APPLIED = "resume_applied", _("待验收")
    APPROVED = "resume_approved", _("准予复工")
    CONDITIONAL = "resume_conditional", _("有条件复工")
    REFUSED = "resume_refused", _("不予复工")


DECISIONS = (ResumptionStatus.APPROVED, ResumptionStatus.CONDITIONAL, ResumptionStatus.REFUSED)
# 哨点监测 (sentinel surveillance) ------------------------------------------------------------

class DrugClass(models.TextChoices):
    """四类药品."""

    FEVER = "drug_fever", _("退烧")
    COUGH = "drug_cough", _("止咳")
    ANTIVIRAL = "drug_antiviral", _("抗病毒")
    ANTIBIOTIC = "drug_antibiotic", _("抗生素")


class SentinelKind(models.TextChoices):
    SALE = "sentinel_sale", _("药店四类药品购买")
    FEVER_CLINIC = "sentinel_fever_clinic", _("发热门诊就诊")
    TRIAGE = "sentinel_triage", _("预检分诊")


class SignalMethod(models.TextChoices):
    THRESHOLD = "signal_threshold", _("超过固定阈值")
    PERCENTILE = "signal_percentile", _("超过近期同期百分位数")


class SignalStatus(models.TextChoices):
    OPEN = "signal_open", _("待响应")
    RESPONDED = "signal_responded", _("已响应")


class SignalResponse(models.TextChoices):
    INVESTIGATED = "response_investigated", _("已核实排查")
    TESTED = "response_tested", _("已组织核酸检测")
    EPIDEMIOLOGY = "response_epidemiology", _("已派员流调")
    NOT_ABNORMAL = "response_not_abnormal", _("排除异常（如促销、季节性）")
