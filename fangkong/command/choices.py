"""Statuses and kinds of the command area (指挥调度)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    """What a unit of the headquarters is (一办六组六专班, member departments, townships)."""

    HEADQUARTERS = "unit_hq", _("指挥部")
    OFFICE = "unit_office", _("办公室")
    GROUP = "unit_group", _("工作组")
    TASK_FORCE = "unit_task_force", _("工作专班")
    DEPARTMENT = "unit_department", _("成员单位")
    TOWNSHIP = "unit_township", _("乡镇（街道）")
    SUPERVISION = "unit_supervision", _("督导组")


class MemberPosition(models.TextChoices):
    LEADER = "member_leader", _("组长")
    DEPUTY = "member_deputy", _("副组长")
    MEMBER = "member_member", _("成员")
    LIAISON = "member_liaison", _("联络员")


# Who leads a unit: they may dispatch in its name and are the first step of an escalation.
LEADING_POSITIONS = (MemberPosition.LEADER, MemberPosition.DEPUTY)


class DispatchSource(models.TextChoices):
    """Where an instruction comes from."""

    LEADER = "source_leader", _("领导批示")
    MEETING = "source_meeting", _("会议部署")
    SUPERVISION = "source_supervision", _("督导发现问题")
    POSITIVE = "source_positive", _("核酸阳性预警")
    SENTINEL = "source_sentinel", _("哨点监测预警")
    SCREENING_OVERDUE = "source_screening_overdue", _("排查核查超时预警")
    OTHER = "source_other", _("其他")


class DispatchStatus(models.TextChoices):
    OPEN = "dispatch_open", _("办理中")
    CLOSED = "dispatch_closed", _("已销号")
    WITHDRAWN = "dispatch_withdrawn", _("已撤回")


class TaskStatus(models.TextChoices):
    """One unit's part of a dispatch: 待签收 → 办理中 → 已办结待销号 → 已销号 (or 退回重办 → 办结 again)."""

    ISSUED = "task_issued", _("待签收")
    ACKNOWLEDGED = "task_acknowledged", _("办理中")
    DONE = "task_done", _("已办结待销号")
    RETURNED = "task_returned", _("退回重办")
    SIGNED_OFF = "task_signed_off", _("已销号")
    WITHDRAWN = "task_withdrawn", _("已撤回")


# A task in one of these is still the unit's to do (overdue when its deadline has passed).
OPEN_TASK_STATUSES = (TaskStatus.ISSUED, TaskStatus.ACKNOWLEDGED, TaskStatus.RETURNED)


class ReplyKind(models.TextChoices):
    """A line of a task's record: what the unit reported, what the sender decided, what the job did."""

    ACKNOWLEDGE = "reply_acknowledge", _("签收")
    PROGRESS = "reply_progress", _("进展反馈")
    DONE = "reply_done", _("办结反馈")
    SIGN_OFF = "reply_sign_off", _("对账销号")
    RETURN = "reply_return", _("退回重办")
    ESCALATE = "reply_escalate", _("超期升级")


class ReportState(models.TextChoices):
    """A reporting unit's daily report on a day, as the overview shows it."""

    ON_TIME = "report_on_time", _("按时报送")
    LATE = "report_late", _("迟报")
    MISSING = "report_missing", _("逾期未报")
    PENDING = "report_pending", _("待报（未到截止时间）")


# The units whose person on duty is the command centre's: alerts and reminders reach them.
CENTRE_KINDS = (UnitKind.HEADQUARTERS, UnitKind.OFFICE)


class FindingCategory(models.TextChoices):
    """What a supervision finding is about (督导发现问题的类别)."""

    CHECKPOINT = "finding_checkpoint", _("卡口管控")
    GRID = "finding_grid", _("网格排查")
    ISOLATION = "finding_isolation", _("隔离管控")
    TESTING = "finding_testing", _("核酸检测")
    VENUE = "finding_venue", _("重点场所")
    SUPPLIES = "finding_supplies", _("物资保障")
    REPORTING = "finding_reporting", _("信息报送")
    OTHER = "finding_other", _("其他")


class FindingSeverity(models.TextChoices):
    MINOR = "severity_minor", _("一般问题")
    MAJOR = "severity_major", _("较重问题")
    SERIOUS = "severity_serious", _("严重问题")


class FindingStatus(models.TextChoices):
    """A finding: 待交办整改 → 整改中 → 待复查 (the unit reported it done) → 复查通过; a failed
    re-check sends it back to 整改中."""

    OPEN = "finding_open", _("待交办整改")
    RECTIFYING = "finding_rectifying", _("整改中")
    RECHECK = "finding_recheck", _("待复查")
    PASSED = "finding_passed", _("复查通过")


class DutyRole(models.TextChoices):
    """The two places of a duty shift."""

    LEADER = "duty_leader", _("带班领导")
    OFFICER = "duty_officer", _("值班员")


class SwapStatus(models.TextChoices):
    PENDING = "swap_pending", _("待批准")
    APPROVED = "swap_approved", _("已调班")
    REJECTED = "swap_rejected", _("未批准")
