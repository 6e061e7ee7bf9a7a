"""Statuses and kinds of the cases-and-tracing area (病例与流调)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProtocolStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ACTIVE = "active", _("执行中")
    RETIRED = "retired", _("已停用")


class ContactCategory(models.TextChoices):
    """Who a case's contact is under the protocol; each category gets its own measures and tests."""

    CLOSE = "close", _("密切接触者")
    SECONDARY = "secondary", _("密接的密接")
    GENERAL = "general", _("一般接触者")
    CO_PRESENT = "co_present", _("时空伴随者")


class CaseClass(models.TextChoices):
    CONFIRMED = "confirmed", _("确诊病例")
    ASYMPTOMATIC = "asymptomatic", _("无症状感染者")
    SUSPECTED = "suspected", _("疑似病例")
    EXCLUDED = "excluded", _("排除")


class FoundBy(models.TextChoices):
    TESTING = "testing", _("核酸检测阳性")
    FEVER_CLINIC = "fever_clinic", _("发热门诊")
    OTHER_REGION = "other_region", _("外地协查")
    CONTROL = "control", _("管控人员检测")
    OTHER = "other", _("其他")


class CaseOutcome(models.TextChoices):
    TREATING = "treating", _("治疗中")
    CURED = "cured", _("治愈出院")
    TRANSFERRED = "transferred", _("转院")
    DIED = "died", _("死亡")


class InvestigationStatus(models.TextChoices):
    OPEN = "open", _("流调中")
    CLOSED = "closed", _("已结案")


class MilestoneKind(models.TextChoices):
    """流调时限节点: each due a configured number of hours after the case was reported."""

    ON_SITE = "on_site", _("到达现场")
    CORE_FACTS = "core_facts", _("核心信息")
    CONTACTS_CONTROLLED = "contacts_controlled", _("密接管控到位")
    REPORT = "report", _("流调报告")


class EvidenceSource(models.TextChoices):
    SELF = "self", _("自述")
    VENUE_CODE = "venue_code", _("场所码")
    POLICE = "police", _("公安")
    TELECOM = "telecom", _("通信")
    PAYMENT = "payment", _("支付")
    VIDEO = "video", _("视频")


class Transport(models.TextChoices):
    NONE = "", _("无")
    WALK = "walk", _("步行")
    PRIVATE_CAR = "private_car", _("私家车")
    TAXI = "taxi", _("出租车/网约车")
    BUS = "bus", _("公交")
    COACH = "coach", _("长途客车")
    TRAIN = "train", _("火车/高铁")
    FLIGHT = "flight", _("航班")


class ContactStatus(models.TextChoices):
    IDENTIFIED = "identified", _("已判定")
    PUSHED = "pushed", _("已推送核查")
    CONTROLLED = "controlled", _("已落地管控")
    UPGRADED = "upgraded", _("已升级为密接")
    CASE = "case", _("已转为病例")


class ContactSource(models.TextChoices):
    INVESTIGATION = "investigation", _("流调判定")
    NAMED = "named", _("病例提供")
    IMPORT = "import", _("外地协查导入")
    CO_PRESENCE = "co_presence", _("时空伴随研判")


class ReportKind(models.TextChoices):
    INITIAL = "initial", _("初步报告")
    PROGRESS = "progress", _("进展报告")
    CLOSING = "closing", _("结案报告")


class DayPeriod(models.TextChoices):
    """The only precision a public itinerary may give (综发〔2021〕103号)."""

    EARLY = "early", _("凌晨")
    MORNING = "morning", _("上午")
    NOON = "noon", _("中午")
    AFTERNOON = "afternoon", _("下午")
    EVENING = "evening", _("晚上")


class Certainty(models.TextChoices):
    """How sure the epidemiologist is that the source infected the target (传播关系判定)."""

    CONFIRMED = "confirmed", _("确定")
    PROBABLE = "probable", _("很可能")
    POSSIBLE = "possible", _("可能")
    UNCERTAIN = "uncertain", _("待核实")


class ExposureType(models.TextChoices):
    """How the target was exposed to the source (暴露方式)."""

    HOUSEHOLD = "household", _("家庭")
    COLLEAGUE = "colleague", _("同事")
    SAME_VENUE = "same_venue", _("同场所")
    CO_PRESENCE = "co_presence", _("时空伴随")
    DINING = "dining", _("聚餐")
    TRANSPORT = "transport", _("同乘交通工具")
    MEDICAL = "medical", _("医疗机构")
    SOCIAL = "social", _("社交活动")
    OTHER = "other", _("其他")
