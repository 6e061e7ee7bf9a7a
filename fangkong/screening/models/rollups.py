"""日清日结看板的计数 (roll-ups): what the board reads instead of counting a million tasks.

Kept by the writes that change leads and tasks (`screening.rollups.bump`, in their transaction)
and rebuilt from the live rows by `screening.rollups.rebuild_board_rollups`. Each count is keyed
by the row's own division, channel and module, so the board applies the scope rules of leads
and tasks (division subtree, a module role's modules) to them unchanged; townships are derived
from the division (`Router.township_of`), as intake and reassignment set them.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import MeasureKind, Module
from fangkong.core.scoping import ScopedModel, ScopedQuerySet

from ..choices import Channel, Outcome
from .person import SCREENING_VIEWERS, module_refine

# An open task without a deadline (submitted, awaiting review) counts as 在办未超时 at any time:
# a key column cannot be NULL (NULLs never conflict in a unique index), so it is stored as this.
NO_DEADLINE = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)


class RollupCount(ScopedModel):
    """A count `n` of rows sharing a key; rows are never edited but through `rollups.bump`."""

    division = models.ForeignKey("core.Division", on_delete=models.DO_NOTHING, related_name="+",
                                 verbose_name=_("管理区划"), db_constraint=False)
    channel = models.CharField(_("渠道"), max_length=32, choices=Channel.choices)
    module = models.CharField(_("所属模块"), max_length=32, choices=Module.choices)
    n = models.BigIntegerField(_("件数"), default=0)

    scope_division_field = "division"
    scope_roles = {"view": SCREENING_VIEWERS}
    key_columns: tuple[str, ...] = ()  # the unique key, in the order `rollups.bump` takes it

    class Meta:
        abstract = True

    @classmethod
    def scope_refine(cls, qs: ScopedQuerySet, user, action: str) -> ScopedQuerySet:
        return module_refine(qs, user, "module")


class LeadCount(RollupCount):
    """Leads received per local day (`received_at`)."""

    day = models.DateField(_("日期"))

    key_columns = ("day", "division_id", "channel", "module")

    class Meta:
        verbose_name = verbose_name_plural = _("每日接收线索计数")
        constraints = [models.UniqueConstraint(fields=["day", "division", "channel", "module"], name="leadcount_key")]


class ClosedTaskCount(RollupCount):
    """Tasks closed per local day (`closed_at`), controlled (落地管控) or not."""

    day = models.DateField(_("日期"))
    controlled = models.BooleanField(_("落地管控"))

    key_columns = ("day", "division_id", "channel", "module", "controlled")

    class Meta:
        verbose_name = verbose_name_plural = _("每日办结核查计数")
        constraints = [models.UniqueConstraint(fields=["day", "division", "channel", "module", "controlled"],
                                               name="closedtaskcount_key")]


class OpenTaskCount(RollupCount):
    """Open tasks per exact deadline (`next_due_at`, `NO_DEADLINE` when none) and whether they are
    unanswered and not yet located: overdue / pending at any moment is a sum on either side of it."""

    due_at = models.DateTimeField(_("最近时限"))
    unreachable = models.BooleanField(_("无人接听且未落地"))

    key_columns = ("division_id", "channel", "module", "due_at", "unreachable")

    class Meta:
        verbose_name = verbose_name_plural = _("在办核查计数")
        constraints = [models.UniqueConstraint(fields=["division", "channel", "module", "due_at", "unreachable"],
                                               name="opentaskcount_key")]


class PersonCount(RollupCount):
    """Persons (not merged away) per the local day of their first lead, the channel of that lead and
    whether any lead of theirs is from abroad, and where their verification stands: 001's first
    sentence. Keyed by the person's own division and module (the scope of persons).

    `settled` when no task of theirs is open; `outcome` and `measure_kind` are then those of the
    task closed last (blank while open)."""

    day = models.DateField(_("首次推送日期"))
    abroad = models.BooleanField(_("境外返回"))
    settled = models.BooleanField(_("已全部办结"))
    outcome = models.CharField(_("核查结果"), max_length=16, choices=Outcome.choices, blank=True)
    measure_kind = models.CharField(_("管控措施"), max_length=32, choices=MeasureKind.choices, blank=True)

    key_columns = ("day", "division_id", "channel", "module", "abroad", "settled", "outcome", "measure_kind")

    class Meta:
        verbose_name = verbose_name_plural = _("排查人员计数")
        constraints = [models.UniqueConstraint(
            fields=["day", "division", "channel", "module", "abroad", "settled", "outcome", "measure_kind"],
            name="personcount_key")]


class PushCount(RollupCount):
    """Leads per local day received (`received_at`), by where their task stands: 001's push sentence.
    `verified` (located or no longer open), else `unreachable` (unanswered), else in progress."""

    day = models.DateField(_("日期"))
    verified = models.BooleanField(_("已核实"))
    unreachable = models.BooleanField(_("无人接听"))

    key_columns = ("day", "division_id", "channel", "module", "verified", "unreachable")

    class Meta:
        verbose_name = verbose_name_plural = _("推送线索核查计数")
        constraints = [models.UniqueConstraint(fields=["day", "division", "channel", "module", "verified",
                                                       "unreachable"], name="pushcount_key")]
