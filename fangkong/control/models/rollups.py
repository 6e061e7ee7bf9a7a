"""管控总览's roll-up counts: what the dashboard reads instead of counting every measure in force.

Kept by the actions that change measures, their checks and tests (`control.rollups`, through
`screening.rollups.bump`, in their transaction) and rebuilt from the live rows by
`control.rollups.rebuild_control_rollups` (with the board's, by `rebuild_board_rollups`). Each
count is keyed by the measure's division and site, so the scope rules of measures (division
subtree, site staff's own sites) apply to them unchanged.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import MeasureKind

from ..choices import DayTally
from ..roles import CONTROL_VIEWERS
from .measures import SiteScopedModel

# A measure without a site: a key column cannot be NULL (NULLs never conflict in a unique index).
NO_SITE = 0


class MeasureRollup(SiteScopedModel):
    """A count `n` of measures in force sharing a key; rows are never edited but through `bump`."""

    division = models.ForeignKey("core.Division", on_delete=models.DO_NOTHING, related_name="+",
                                 verbose_name=_("管理区划"), db_constraint=False)
    kind = models.CharField(_("管控措施"), max_length=32, choices=MeasureKind.choices)
    # NO_SITE when none: no constraint, so the sentinel needs no row.
    site = models.ForeignKey("control.QuarantineSite", on_delete=models.DO_NOTHING, related_name="+",
                             verbose_name=_("隔离点"), db_constraint=False)
    n = models.BigIntegerField(_("人数"), default=0)

    scope_division_field = "division"
    scope_roles = {"view": CONTROL_VIEWERS}
    key_columns: tuple[str, ...] = ()

    class Meta:
        abstract = True


class ActiveMeasureCount(MeasureRollup):
    """Measures in force (管控中) by division, kind, site and release date."""

    ends_on = models.DateField(_("解除日期"))

    key_columns = ("division_id", "kind", "site_id", "ends_on")

    class Meta:
        verbose_name = verbose_name_plural = _("在管人数计数")
        constraints = [models.UniqueConstraint(fields=["division", "kind", "site", "ends_on"],
                                               name="activemeasurecount_key")]


class MeasureDayCount(MeasureRollup):
    """Per day, measures in force with a door check (local day of `at`) or a health check-in (`on`)
    that day, and pending scheduled tests due that day (`what`)."""

    day = models.DateField(_("日期"))
    what = models.CharField(_("计数项"), max_length=16, choices=DayTally.choices)

    key_columns = ("day", "what", "division_id", "kind", "site_id")

    class Meta:
        verbose_name = verbose_name_plural = _("在管人员每日计数")
        constraints = [models.UniqueConstraint(fields=["day", "what", "division", "kind", "site"],
                                               name="measuredaycount_key")]
