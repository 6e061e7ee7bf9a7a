"""管控总览's roll-up counts (`models.rollups`): kept by every action that changes a measure in
force, its door checks, check-ins or scheduled tests, and rebuilt from the live rows by a job.

An action wraps the measures it changes in `tracking` (the delta is where they count after minus
before) or names the measures it creates to `added`; the counts go through `screening.rollups.bump`
(one upsert per table, in the action's transaction). A measure's keys are computed from its rows
(`measure_keys`): its own (division, kind, site, release date) while in force, and per day the
door checks, check-ins and pending tests it has. `rebuild_control_rollups` recomputes everything;
tests check it and the kept counts against a live count.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone

from fangkong.screening.rollups import bump

from .choices import DayTally, MeasureStatus, TestStatus
from .models import NO_SITE, ActiveMeasureCount, CheckIn, DoorCheck, Measure, MeasureDayCount, ScheduledTest

ROLLUPS = (ActiveMeasureCount, MeasureDayCount)
Counts = dict[type, Counter]
PART = 10_000


def _models(apps) -> dict[type, type]:
    """The current models by themselves, or as a migration's app registry `apps` has them."""
    every = (*ROLLUPS, Measure, DoorCheck, CheckIn, ScheduledTest)
    return {m: apps.get_model("control", m.__name__) if apps else m for m in every}


def measure_keys(pks: Iterable[int] | None, apps=None) -> Counts:
    """Where the measures `pks` (every measure when None) count: nowhere unless in force. Keyed by
    the current roll-up models; many measures are read in parts (`IN` lists of `PART`)."""
    if pks is not None:
        pks = list(pks)
        if len(pks) > PART:
            out: Counts = {model: Counter() for model in ROLLUPS}
            for i in range(0, len(pks), PART):
                for model, counts in measure_keys(pks[i:i + PART], apps).items():
                    out[model].update(counts)
            return out
    return _measure_keys(pks, apps)


def _measure_keys(pks: list[int] | None, apps) -> Counts:
    m = _models(apps)
    out: Counts = {model: Counter() for model in ROLLUPS}
    active = m[Measure].objects.order_by().filter(status=MeasureStatus.ACTIVE)
    if pks is not None:
        if not pks:
            return out
        active = active.filter(pk__in=pks)
    info: dict[int, tuple] = {}
    for pk, division_id, kind, site_id, ends_on in active.values_list("id", "division_id", "kind", "site_id",
                                                                      "ends_on").iterator(chunk_size=20000):
        info[pk] = (division_id, kind, site_id or NO_SITE)
        out[ActiveMeasureCount][(division_id, kind, site_id or NO_SITE, ends_on)] += 1
    if not info:
        return out

    def rows(model, *fields, **filters):
        qs = model.objects.order_by().filter(**filters)
        qs = qs.filter(measure__status=MeasureStatus.ACTIVE) if pks is None else qs.filter(measure_id__in=list(info))
        return qs.values_list("measure_id", *fields).iterator(chunk_size=20000)

    day = functools.lru_cache(maxsize=65536)(timezone.localdate)
    seen = {(mid, DayTally.DOOR_CHECK, day(at)) for mid, at in rows(m[DoorCheck], "at")}
    seen |= {(mid, DayTally.CHECK_IN, on) for mid, on in rows(m[CheckIn], "on")}
    days = out[MeasureDayCount]
    for mid, what, on in seen:
        if mid in info:
            days[(on, what, *info[mid])] += 1
    for mid, due_on in rows(m[ScheduledTest], "due_on", status=TestStatus.PENDING):
        if mid in info:
            days[(due_on, DayTally.TEST_DUE, *info[mid])] += 1
    return out


def _bump(before: Counts, after: Counts) -> None:
    for model in ROLLUPS:
        delta = Counter(after[model])
        delta.subtract(before[model])
        bump(model, delta)


@contextmanager
def tracking(pks: Iterable[int]) -> Iterator[None]:
    """Around a change of the measures `pks` (or of their checks and tests): their counts move."""
    pks = list(pks)
    before = measure_keys(pks)
    yield
    _bump(before, measure_keys(pks))


def added(pks: Iterable[int]) -> None:
    """The measures `pks` were created (with their scheduled tests): count them."""
    _bump({model: Counter() for model in ROLLUPS}, measure_keys(pks))


def live_counts() -> dict[str, Counter]:
    return {model._meta.model_name: counts for model, counts in measure_keys(None).items()}


def stored_counts() -> dict[str, Counter]:
    """The roll-up tables as they are (rows of zero left out), in the form of `live_counts`."""
    return {model._meta.model_name: Counter({tuple(row[:-1]): row[-1] for row in
                                             model.objects.exclude(n=0).values_list(*model.key_columns, "n")})
            for model in ROLLUPS}


def rebuild_control_rollups(apps=None) -> dict[str, int]:
    """Replace every count by its live count, in one transaction (see `rebuild_board_rollups`).
    `apps` is a migration's app registry (the counts are first filled by migration 0004)."""
    m = _models(apps)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in ROLLUPS)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
        done = {}
        for current, counts in measure_keys(None, apps).items():
            model = m[current]
            model.objects.all().delete()
            rows = [model(**dict(zip(current.key_columns, key, strict=True)), n=n) for key, n in counts.items() if n]
            model.objects.bulk_create(rows, batch_size=2000)
            done[current._meta.model_name] = len(rows)
    return done
