"""哨点监测: the drug catalogue (四类药品, data), the real-name sales and clinic visits each
sentinel (a venue of 药店 / 医疗机构) reports, their daily counts, the signal rules and the
signals routed to the command centre and the CDC.

A record is written with the screening lead it became (`sectors.sentinel.intake`); like the
intake tables its references to persons, tasks and batches are not database constraints
(written a hundred thousand at a time, see docs/ARCHITECTURE.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.display import stamp
from fangkong.core.scoping import ScopedModel

from ..choices import DrugClass, SentinelKind, SignalMethod, SignalResponse, SignalStatus
from ..roles import DRUG_EDITORS, SECTOR_VIEWERS, SENTINEL_REPORTERS, SENTINEL_VIEWERS, SIGNAL_RESPONDERS
from .venues import Sector, Venue

SENTINEL_SECTORS = ("pharmacy", "medical")  # the codes of 药店 and 医疗机构: their venues are sentinels


class Drug(ScopedModel):
    """药品目录: a drug of the four classes, with the names people write for it (data, editable)."""

    name = models.CharField(_("药品名称"), max_length=64)
    drug_class = models.CharField(_("药品类别"), max_length=20, choices=DrugClass.choices)
    aliases = models.TextField(_("别名"), blank=True,
                               help_text=_("通用名、商品名等其他写法，用顿号或换行分隔，如：芬必得、布洛芬缓释胶囊"))

    scope_division_field = None  # reference data: the same catalogue everywhere
    scope_roles = {"view": SECTOR_VIEWERS, "add": DRUG_EDITORS, "change": DRUG_EDITORS, "delete": DRUG_EDITORS}

    class Meta:
        ordering = ["drug_class", "name", "id"]
        verbose_name = _("药品目录")
        verbose_name_plural = _("药品目录")
        constraints = [models.UniqueConstraint(fields=["name"], name="drug_name_unique",
                                               violation_error_message="药品名称已存在")]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_drug_class_display()}）"

    def alias_list(self) -> list[str]:
        import re

        return [a.strip() for a in re.split(r"[、,，;;\n\r]+", self.aliases or "") if a.strip()]


class SentinelRecord(ScopedModel):
    """哨点登记: one real-name purchase of a drug of the four classes, or one fever-clinic /
    pre-triage visit, at a sentinel; the buyer or patient became a lead (channel 哨点监测)."""

    # No index of its own: `sentinelrecord_venue_day` leads with the venue.
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="sentinel_records",
                              verbose_name=_("哨点"), db_constraint=False, db_index=False)
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("所属网格"), db_constraint=False)
    kind = models.CharField(_("类型"), max_length=24, choices=SentinelKind.choices, default=SentinelKind.SALE)
    drug_class = models.CharField(_("药品类别"), max_length=20, choices=DrugClass.choices, blank=True)
    drug = models.ForeignKey(Drug, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("药品"), db_constraint=False, db_index=False)
    drug_name = models.CharField(_("药品名称（原文）"), max_length=64, blank=True)
    quantity = models.PositiveSmallIntegerField(_("数量"), default=1)
    name = models.CharField(_("姓名"), max_length=40, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("现住址"), max_length=255, blank=True)
    temperature = models.DecimalField(_("体温（℃）"), max_digits=3, decimal_places=1, null=True, blank=True)
    symptoms = models.CharField(_("症状"), max_length=100, blank=True)
    occurred_at = models.DateTimeField(_("购药/就诊时间"))
    day = models.DateField(_("日期"))
    dedup_key = models.CharField(_("去重键"), max_length=40)
    lead_key = models.CharField(_("线索去重键"), max_length=40)
    # Not indexed: nothing lists a person's records (an index cost every import a B-tree more).
    person = models.ForeignKey("screening.Person", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("人员"), db_constraint=False, db_index=False)
    verification = models.ForeignKey("screening.Verification", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("核查任务"), db_constraint=False,
                                     db_index=False)
    batch = models.ForeignKey("core.Batch", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("批次"), db_constraint=False, db_index=False)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("登记人"), db_constraint=False, db_index=False)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    scope_division_field = "division"
    scope_roles = {"view": SENTINEL_VIEWERS, "add": SENTINEL_REPORTERS}

    class Meta:
        # Newest first by key (lists arrive day by day): sorting by the sale time would sort every row in scope.
        ordering = ["-id"]
        verbose_name = _("哨点登记")
        verbose_name_plural = _("哨点登记")
        constraints = [models.UniqueConstraint(fields=["dedup_key"], name="sentinelrecord_dedup_unique")]
        indexes = [models.Index(fields=["venue", "day"], name="sentinelrecord_venue_day"),
                   models.Index(fields=["day"], name="sentinelrecord_day")]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.name or self.phone} {stamp(self.occurred_at)}"


class SentinelCount(models.Model):
    """哨点日计数: records per sentinel, day and kind (a roll-up kept by every write, read by the
    signals and the report; `rebuild_sentinel_counts` recomputes it)."""

    venue_id = models.BigIntegerField(_("哨点"))
    day = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=24, choices=SentinelKind.choices)
    division_id = models.BigIntegerField(_("所属网格"))
    n = models.PositiveIntegerField(_("人次"), default=0)

    key_columns = ("venue_id", "day", "kind", "division_id")

    class Meta:
        ordering = ["venue_id", "day"]
        verbose_name = _("哨点日计数")
        verbose_name_plural = _("哨点日计数")
        constraints = [models.UniqueConstraint(fields=["venue_id", "day", "kind", "division_id"],
                                               name="sentinelcount_key")]
        # Covering the signals' read of a date range (an index-only scan): through a plain index on
        # the day, a year of counts was read row by row from the table, four times slower.
        indexes = [models.Index(fields=["day", "venue_id", "n"], name="sentinelcount_day")]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.day} {self.n}"


class SignalRule(ScopedModel):
    """预警规则: when a sentinel's daily count is a signal (a sector's rule, else the default one).

    A count signals when it exceeds `threshold`, or — once the sentinel has reported for `weeks`
    weeks — when it is at least `min_count` and exceeds the `percentile`-th percentile of the same
    weekday's counts in the last `weeks` weeks (CIDARS: P80)."""

    name = models.CharField(_("规则名称"), max_length=64)
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                               verbose_name=_("适用行业"), help_text=_("留空为默认规则"))
    threshold = models.PositiveIntegerField(_("固定阈值（每日人次）"), null=True, blank=True,
                                            help_text=_("超过此数即预警；留空则只用百分位数"))
    percentile = models.PositiveSmallIntegerField(_("百分位数"), default=80)
    weeks = models.PositiveSmallIntegerField(_("基线周数"), default=4, help_text=_("取近几周同一星期几的计数"))
    min_count = models.PositiveSmallIntegerField(_("最低人次"), default=5,
                                                 help_text=_("低于此数不按百分位数预警"))
    response_hours = models.PositiveSmallIntegerField(_("响应时限（小时）"), default=24)
    active = models.BooleanField(_("启用"), default=True)

    scope_division_field = None
    scope_roles = {"view": SENTINEL_VIEWERS, "add": SIGNAL_RESPONDERS, "change": SIGNAL_RESPONDERS,
                   "delete": SIGNAL_RESPONDERS}

    class Meta:
        ordering = ["sector__order", "id"]
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")
        constraints = [
            models.UniqueConstraint(fields=["sector"], condition=Q(active=True), name="signalrule_sector_unique",
                                    violation_error_message="该行业已有启用的预警规则"),
            models.UniqueConstraint(fields=["active"], condition=Q(sector=None, active=True),
                                    name="signalrule_one_default", violation_error_message="已有启用的默认规则"),
            models.CheckConstraint(condition=Q(percentile__gte=1, percentile__lte=99), name="signalrule_percentile",
                                   violation_error_message="百分位数应在1至99之间"),
            models.CheckConstraint(condition=Q(weeks__gte=1, weeks__lte=52), name="signalrule_weeks",
                                   violation_error_message="基线周数应在1至52之间"),
        ]

    def __str__(self) -> str:
        return self.name


class Signal(ScopedModel):
    """预警信号: a sentinel's day whose count exceeded its threshold or baseline; routed to the
    command centre and the CDC with a response deadline, escalated once when overdue."""

    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="signals", verbose_name=_("哨点"))
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("所属网格"))
    day = models.DateField(_("日期"))
    count = models.PositiveIntegerField(_("当日人次"))
    baseline = models.FloatField(_("基线"), null=True, blank=True)
    threshold = models.PositiveIntegerField(_("阈值"), null=True, blank=True)
    method = models.CharField(_("预警方法"), max_length=20, choices=SignalMethod.choices)
    rule = models.ForeignKey(SignalRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("预警规则"))
    raised_at = models.DateTimeField(_("预警时间"))
    due_at = models.DateTimeField(_("响应时限"), db_index=True)
    status = models.CharField(_("状态"), max_length=20, choices=SignalStatus.choices, default=SignalStatus.OPEN)
    response = models.CharField(_("响应措施"), max_length=24, choices=SignalResponse.choices, blank=True)
    response_note = models.TextField(_("响应说明"), blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("响应人"))
    responded_at = models.DateTimeField(_("响应时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("超时升级时间"), null=True, blank=True)

    scope_division_field = "division"
    scope_roles = {"view": SENTINEL_VIEWERS, "change": SIGNAL_RESPONDERS}

    class Meta:
        ordering = ["-day", "-count", "id"]
        verbose_name = _("预警信号")
        verbose_name_plural = _("预警信号")
        constraints = [models.UniqueConstraint(fields=["venue", "day"], name="signal_venue_day",
                                               violation_error_message="该哨点当日已有预警信号")]

    def __str__(self) -> str:
        return f"{self.venue} {self.day:%Y-%m-%d}（{self.count}）"

    @property
    def overdue(self) -> bool:
        late = self.responded_at or timezone.now()
        return late > self.due_at

    @property
    def response_late(self) -> bool:
        return self.responded_at is not None and self.responded_at > self.due_at
