"""Statuses and kinds of the control area (管控). Measure kinds are core.choices.MeasureKind."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import TestKind  # noqa: F401 — shared, re-exported


class RiskLevel(models.TextChoices):
    HIGH = "high", _("高风险区")
    MEDIUM = "medium", _("中风险区")
    LOW = "low", _("低风险区")


# Higher number = more severe; stored on RiskArea so the worst level wins in one MAX().
RISK_RANK = {RiskLevel.HIGH: 3, RiskLevel.MEDIUM: 2, RiskLevel.LOW: 1}
RANK_LEVEL = {v: k for k, v in RISK_RANK.items()}


class OriginLevel(models.TextChoices):
    """The origin-area condition of a rule: a risk level, or "not a listed area"."""

    HIGH = "high", _("高风险区")
    MEDIUM = "medium", _("中风险区")
    LOW = "low", _("低风险区")
    NONE = "none", _("非风险区")


class ContactType(models.TextChoices):
    CLOSE_CONTACT = "close_contact", _("密接")
    SECONDARY_CONTACT = "secondary_contact", _("次密接")
    SPACETIME = "spacetime", _("时空伴随")
    OTHER = "other", _("其他")


class Tristate(models.TextChoices):
    ANY = "", _("不限")
    YES = "yes", _("是")
    NO = "no", _("否")


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("生效中")
    RETIRED = "retired", _("已停用")


class MeasureStatus(models.TextChoices):
    ACTIVE = "active", _("管控中")
    RELEASED = "released", _("已解除")
    EARLY_RELEASED = "early_released", _("提前解除")
    SUPERSEDED = "superseded", _("已转换")


class DayTally(models.TextChoices):
    """What a day's roll-up counts of measures in force (管控总览's cards)."""

    DOOR_CHECK = "door_check", _("当日已上门查看")
    CHECK_IN = "check_in", _("当日已健康打卡")
    TEST_DUE = "test_due", _("当日应检未检")




class TestStatus(models.TextChoices):
    __test__ = False  # not a pytest test class

    PENDING = "pending", _("待检测")
    NEGATIVE = "negative", _("阴性")
    POSITIVE = "positive", _("阳性")
    INVALID = "invalid", _("无效")


class CheckInSource(models.TextChoices):
    GRID_WORKER = "grid_worker", _("网格员")
    SITE_STAFF = "site_staff", _("隔离点工作人员")
    SELF = "self", _("本人")


class Symptom(models.TextChoices):
    FEVER = "fever", _("发热")
    COUGH = "cough", _("咳嗽")
    SORE_THROAT = "sore_throat", _("咽痛")
    FATIGUE = "fatigue", _("乏力")
    TASTE_LOSS = "taste_loss", _("嗅(味)觉减退")
    DIARRHOEA = "diarrhoea", _("腹泻")
    OTHER = "other", _("其他")


class RoomStatus(models.TextChoices):
    AVAILABLE = "available", _("可用")
    CLEANING = "cleaning", _("消杀中")
    OUT_OF_SERVICE = "out_of_service", _("停用")


class TransferStatus(models.TextChoices):
    PLANNED = "planned", _("待出发")
    EN_ROUTE = "en_route", _("转运中")
    ARRIVED = "arrived", _("已送达")
    CANCELLED = "cancelled", _("已取消")


class DoorCheckOutcome(models.TextChoices):
    PRESENT = "present", _("在家,正常")
    SEAL_BROKEN = "seal_broken", _("门磁/封条异常")
    ABSENT = "absent", _("不在家")


# Temperature at or above which a check-in counts as fever (℃).
FEVER_THRESHOLD = 37.3
