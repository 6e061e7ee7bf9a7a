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
