"""传播链: who infected whom (transmission edges), clusters (聚集性疫情) and frozen chain
snapshots for a report. Generations (代际) are computed from the edges, never stored."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.core.display import stamp
from fangkong.core.scoping import ScopedModel, in_subtree

from ..choices import Certainty, ExposureType
from ..roles import TRACERS, TRACING_VIEWERS
from .cases import CASE_ROLES


class TransmissionEdge(ScopedModel):
    """传播关系: `source` most likely infected `target`. Seen by whoever sees the target case;
    the chain pages and the API show an edge only when both cases are in the user's scope.

    `clean()` refuses a self-edge, a second edge between the same two cases (either way) and an
    edge that would close a cycle, each with a Chinese message."""

    source = models.ForeignKey(
        "tracing.Case", on_delete=models.CASCADE, related_name="infected", verbose_name=_("传染来源病例")
    )
    target = models.ForeignKey(
        "tracing.Case", on_delete=models.CASCADE, related_name="infected_by", verbose_name=_("被传染病例")
    )
    certainty = models.CharField(
        _("判定把握"), max_length=16, choices=Certainty.choices, default=Certainty.PROBABLE
    )
    exposure = models.CharField(_("暴露方式"), max_length=16, choices=ExposureType.choices)
    evidence = models.CharField(_("判定依据"), max_length=500, blank=True)
    exposed_on = models.DateField(_("暴露日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("判定人"),
    )
    created_at = models.DateTimeField(_("判定时间"), auto_now_add=True)

    scope_division_field = "target__division"
    scope_roles = CASE_ROLES

    class Meta:
        ordering = ["target", "source", "id"]
        verbose_name = _("传播关系")
        verbose_name_plural = _("传播关系")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target"],
                name="edge_pair_unique",
                violation_error_message="这两个病例之间已有传播关系",
            ),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")),
                name="edge_not_self",
                violation_error_message="病例不能传染自己",
            ),
        ]
        indexes = [models.Index(fields=["source"], name="edge_source")]

    def __str__(self) -> str:
        return f"{self.source.code} → {self.target.code}"

    @classmethod
    def scope_refine(cls, qs, user, action):
        """Both cases in scope: a township never learns of another township's case through an edge."""
        return in_subtree(qs, "source__division", user.division)

    def clean(self) -> None:
        if self.source_id is None or self.target_id is None:
            return
        if self.source_id == self.target_id:
            raise ValidationError({"source": gettext("病例不能传染自己")})
        pair = TransmissionEdge._base_manager.filter(
            models.Q(source_id=self.source_id, target_id=self.target_id)
            | models.Q(source_id=self.target_id, target_id=self.source_id)
        ).exclude(pk=self.pk)
        if pair.exists():
            raise ValidationError({"source": gettext("这两个病例之间已有传播关系")})
        if reaches(self.target_id, self.source_id, exclude=self.pk):
            raise ValidationError(
                {
                    "source": gettext(
                        "不能添加：该来源病例本身就是由此病例（直接或间接）传染的，会形成循环传播链"
                    )
                }
            )


def reaches(start: int, goal: int, exclude: int | None = None) -> bool:
    """Whether `goal` is downstream of `start` along the edges (one query per generation)."""
    seen, frontier = {start}, {start}
    while frontier:
        qs = TransmissionEdge._base_manager.filter(source_id__in=frontier)
        if exclude is not None:
            qs = qs.exclude(pk=exclude)
        nxt = set(qs.values_list("target_id", flat=True)) - seen
        if goal in nxt:
            return True
        seen |= nxt
        frontier = nxt
    return False


class Cluster(ScopedModel):
    """聚集性疫情: cases linked by place or chain, with the first and last onset among them
    (kept by the actions that add or remove cases)."""

    code = models.CharField(_("聚集性疫情编号"), max_length=32)
    name = models.CharField(_("名称"), max_length=128)
    division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区划")
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)
    cases = models.ManyToManyField(
        "tracing.Case", related_name="clusters", blank=True, verbose_name=_("病例")
    )
    first_onset_on = models.DateField(_("首例发病日期"), null=True, blank=True, editable=False)
    last_onset_on = models.DateField(_("末例发病日期"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("建立时间"), auto_now_add=True)

    scope_division_field = "division"
    scope_roles = CASE_ROLES

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("聚集性疫情")
        verbose_name_plural = _("聚集性疫情")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], name="cluster_code_unique", violation_error_message="聚集性疫情编号已存在"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ChainSnapshot(ScopedModel):
    """传播链快照: the chain as it was shown (nodes, edges, filters), frozen for a report. It is
    never changed after it is made: `save()` refuses an update."""

    title = models.CharField(_("快照名称"), max_length=128)
    division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区划")
    )
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    data = models.JSONField(_("传播链数据"), default=dict, blank=True)
    node_count = models.PositiveIntegerField(_("病例数"), default=0)
    edge_count = models.PositiveIntegerField(_("传播关系数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("冻结人"),
    )
    created_at = models.DateTimeField(_("冻结时间"), auto_now_add=True)

    scope_division_field = "division"
    scope_roles = {"view": TRACING_VIEWERS, "add": TRACERS}

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("传播链快照")
        verbose_name_plural = _("传播链快照")

    def __str__(self) -> str:
        return f"{self.title}（{stamp(self.created_at)}）" if self.created_at else self.title

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and type(self)._base_manager.filter(pk=self.pk).exists():
            raise ValidationError(gettext("快照已冻结，不能修改"))
        super().save(*args, **kwargs)
