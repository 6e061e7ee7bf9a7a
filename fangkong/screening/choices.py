"""Statuses and kinds of risk screening (风险排查), named as in the glossary."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import Module


class Channel(models.TextChoices):
    """线索渠道: how a lead reached the county. Each channel belongs to one module."""

    SELF_REPORT = "self_report", _("群众自报")
    GRID_SCREENING = "grid_screening", _("主动排查")
    CLOSE_CONTACT = "close_contact", _("密接")
    SECONDARY_CONTACT = "secondary_contact", _("次密接")
    ASSIST_REQUEST = "assist_request", _("跨省协查")
    BIG_DATA = "big_data", _("大数据推送")
    HARD_TO_FIND = "hard_to_find", _("难查数据")
    # The channels of the areas built on screening: each lands in one of the six modules of 001.
    CHECKPOINT = "checkpoint", _("卡口登记")
    SENTINEL = "sentinel", _("哨点监测")
    CO_PRESENCE = "co_presence", _("时空伴随")
    TIP_OFF = "tip_off", _("群众举报")


CHANNEL_MODULE = {
    Channel.SELF_REPORT: Module.SELF_REPORT,
    Channel.GRID_SCREENING: Module.GRID_SCREENING,
    Channel.CLOSE_CONTACT: Module.CLOSE_CONTACT,
    Channel.SECONDARY_CONTACT: Module.CLOSE_CONTACT,
    Channel.ASSIST_REQUEST: Module.ASSIST_REQUEST,
    Channel.BIG_DATA: Module.BIG_DATA,
    Channel.HARD_TO_FIND: Module.HARD_TO_FIND,
    Channel.CHECKPOINT: Module.GRID_SCREENING,
    Channel.SENTINEL: Module.GRID_SCREENING,
    Channel.CO_PRESENCE: Module.BIG_DATA,
    Channel.TIP_OFF: Module.SELF_REPORT,
}


class BigDataSource(models.TextChoices):
    """大数据推送的数据来源 (001: 警踪、电子围栏、快排)."""

    POLICE_TRACE = "police_trace", _("警踪")
    GEOFENCE = "geofence", _("电子围栏")
    RAPID_SCREENING = "rapid_screening", _("快排")
    OTHER = "other", _("其他")


class LeadKind(models.TextChoices):
    DOMESTIC = "domestic", _("国内来返")
    FROM_ABROAD = "from_abroad", _("境外返回")


class PersonStatus(models.TextChoices):
    VERIFYING = "verifying", _("核查中")
    CONTROLLED = "controlled", _("已落地管控")
    CLEARED = "cleared", _("已排除(健康监测)")
    NOT_IN_COUNTY = "not_in_county", _("不在本县")
    UNREACHABLE = "unreachable", _("无法联系")
    WRONG_INFO = "wrong_info", _("信息错误")
    MERGED = "merged", _("已合并")


class VerificationStatus(models.TextChoices):
    OPEN = "open", _("核查中")
    SUBMITTED = "submitted", _("待审核")
    CLOSED = "closed", _("已办结")


class Outcome(models.TextChoices):
    """核查结果."""

    CONTROLLED = "controlled", _("落地管控")
    NOT_IN_COUNTY = "not_in_county", _("不在本县")
    UNREACHABLE = "unreachable", _("无法联系")
    WRONG_INFO = "wrong_info", _("信息错误")
    DUPLICATE = "duplicate", _("重复")
    CLEARED = "cleared", _("排除风险(健康监测)")


class Stage(models.TextChoices):
    """The three deadlines of a verification ("1.3.8": located, sampled, result)."""

    LOCATED = "located", _("落地")
    SAMPLED = "sampled", _("采样")
    RESULT = "result", _("结果")


class AttemptKind(models.TextChoices):
    CALLED = "called", _("电话接通")
    NO_ANSWER = "no_answer", _("无人接听")
    VISITED = "visited", _("上门走访")
    FOUND = "found", _("已找到本人")


class EscalationLevel(models.IntegerChoices):
    NONE = 0, _("未升级")
    TOWNSHIP = 1, _("已升级至乡镇")
    COMMAND = 2, _("已升级至指挥部")


class ReviewDecision(models.TextChoices):
    APPROVED = "approved", _("通过")
    REJECTED = "rejected", _("退回")


class MergeStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    MERGED = "merged", _("已合并")
    NOT_DUPLICATE = "not_duplicate", _("确认非同一人")
    UNDONE = "undone", _("已撤销合并")


class AssistDirection(models.TextChoices):
    INBOUND = "inbound", _("外地发来协查")
    OUTBOUND = "outbound", _("本县发出协查")


class AssistStatus(models.TextChoices):
    OPEN = "open", _("待回复")
    REPLIED = "replied", _("已回复")
    CLOSED = "closed", _("已办结")


class BoardMetric(models.TextChoices):
    """The numbers of the daily-clearance board; each links to its list."""

    # Labels say what is counted (口径 in fangkong.metrics.catalog): tasks closed in the range
    # against tasks still open now, whatever day they were pushed.
    RECEIVED = "received", _("接收线索")
    VERIFIED = "verified", _("办结核查")
    CONTROLLED = "controlled", _("落地管控")
    PENDING = "pending", _("在办未超时")
    OVERDUE = "overdue", _("在办已超时")
    UNREACHABLE = "unreachable", _("在办无人接听")
    REJECTED = "rejected", _("审核退回")
