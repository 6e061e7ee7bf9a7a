"""Co-presence (时空伴随): the runs of the join and their matches.

The venue scans and location records themselves are not rows of the database: tens of millions
written once, read whole by the join and deleted by the day, they are kept as Parquet files by
day (`copresence_store`), imported in bulk (`copresence_import`) and deleted when older than the
retention period (`copresence_jobs.purge_expired_records`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.scoping import ScopedModel

from ..copresence_choices import COPRESENCE_RUNNERS, COPRESENCE_VIEWERS, MatchKind, RunStatus


class CoPresenceRun(ScopedModel):
    """One run of the join: its index people, window and rule, engine, and what came of it."""

    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("所属区划"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("发起人"))
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    index_phones = models.JSONField(_("指示病例手机号"), default=list)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    min_overlap = models.PositiveIntegerField(_("最短重叠（分钟）"), default=10)
    scan_window = models.PositiveIntegerField(_("扫码前后（分钟）"), default=30)
    engine = models.CharField(_("计算引擎"), max_length=16, default="duckdb")
    status = models.CharField(_("状态"), max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    seconds = models.FloatField(_("计算耗时（秒）"), null=True, blank=True)
    matches_count = models.PositiveIntegerField(_("伴随记录数"), default=0)
    people = models.PositiveIntegerField(_("时空伴随者人数"), default=0)
    leads_created = models.PositiveIntegerField(_("生成线索"), default=0)
    positives = models.PositiveIntegerField(_("其后阳性人数"), default=0)
    yield_checked_at = models.DateTimeField(_("阳性检出核对时间"), null=True, blank=True)
    message = models.TextField(_("说明"), blank=True)

    scope_roles = {"view": COPRESENCE_VIEWERS, "add": COPRESENCE_RUNNERS, "change": COPRESENCE_RUNNERS}

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("时空伴随研判")
        verbose_name_plural = _("时空伴随研判")

    def __str__(self) -> str:
        return f"时空伴随研判 #{self.pk}（{self.starts_on}至{self.ends_on}）"

    @property
    def yield_rate(self) -> float | None:
        return self.positives / self.people if self.people else None


class CoPresenceMatch(ScopedModel):
    """One co-present person against one index record, with what explains it."""

    scope_division_field = "run__division"

    run = models.ForeignKey(CoPresenceRun, on_delete=models.CASCADE, related_name="matches", verbose_name=_("研判"))
    phone = models.CharField(_("手机号"), max_length=20, db_index=True)
    name = models.CharField(_("姓名"), max_length=40, blank=True)
    id_number = models.CharField(_("证件号码"), max_length=32, blank=True)
    kind = models.CharField(_("伴随方式"), max_length=8, choices=MatchKind.choices)
    index_phone = models.CharField(_("指示病例手机号"), max_length=20)
    place = models.CharField(_("地点"), max_length=64, help_text=_("网格/基站编号或场所码编号"))
    place_name = models.CharField(_("场所名称"), max_length=100, blank=True)
    at = models.DateTimeField(_("伴随时间"))
    overlap_minutes = models.FloatField(_("时长（分钟）"))
    index_start = models.DateTimeField(_("指示记录开始"))
    index_end = models.DateTimeField(_("指示记录结束"))
    record_start = models.DateTimeField(_("本人记录开始"))
    record_end = models.DateTimeField(_("本人记录结束"))
    lead = models.ForeignKey("screening.Lead", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("线索"))
    tested_positive = models.BooleanField(_("其后阳性"), default=False)

    scope_roles = {"view": COPRESENCE_VIEWERS}

    class Meta:
        ordering = ["run", "phone", "at"]
        verbose_name = _("时空伴随记录")
        verbose_name_plural = _("时空伴随记录")

    def __str__(self) -> str:
        return f"{self.phone} ↔ {self.index_phone}（{self.place}）"

    def explanation(self) -> str:
        """The match in one sentence (in the reader's language): which index record, where, how long."""
        from django.utils import timezone
        from django.utils.translation import gettext

        from fangkong.core.pii import mask_phone

        def at(moment, fmt="%m-%d %H:%M"):
            return timezone.localtime(moment).strftime(fmt)

        values = {"index": mask_phone(self.index_phone), "place": self.place, "minutes": f"{self.overlap_minutes:g}",
                  "index_start": at(self.index_start), "record_start": at(self.record_start)}
        if self.kind == MatchKind.CELL:
            return gettext("与%(index)s在网格%(place)s重叠%(minutes)s分钟（对方%(index_start)s至%(index_end)s，"
                           "本人%(record_start)s至%(record_end)s）") % {
                **values, "index_end": at(self.index_end, "%H:%M"), "record_end": at(self.record_end, "%H:%M")}
        if self.place_name:
            return gettext("与%(index)s先后扫场所码%(place)s（%(name)s），相隔%(minutes)s分钟（对方%(index_start)s，"
                           "本人%(record_start)s）") % {**values, "name": self.place_name}
        return gettext("与%(index)s先后扫场所码%(place)s，相隔%(minutes)s分钟（对方%(index_start)s，本人%(record_start)s）") % values
