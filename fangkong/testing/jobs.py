"""Background jobs of the testing area: coverage roll-ups (analytics engine) and overdue
re-sampling. Each is a plain function (tests and the CLI call it) plus a django-tasks task."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from fangkong.analytics import coverage as cov
from fangkong.analytics import engine, runs
from fangkong.core import audit
from fangkong.core.actions import SYSTEM, require_role
from fangkong.core.choices import DivisionLevel
from fangkong.core.models import Division

from .choices import Result
from .coverage import household_queries, round_queries
from .models import SamplingRound, UnmatchedResult
from .models.common import COVERAGE_REFRESHERS

ROLLUP_COLUMNS = ["division_id", "level", *cov.COUNT_COLUMNS]
# Coverage follows new samples and results within minutes: at most one queued refresh per round
# in this window, run at its end so a burst of uploads costs one computation.
REFRESH_DEBOUNCE = dt.timedelta(seconds=60)
logger = logging.getLogger(__name__)
COVERAGE_JOB, HOUSEHOLD_JOB = "coverage", "household_week"  # analytics.runs job names


def request_coverage_refresh(round_ids) -> int:
    """Queue a coverage refresh (django-tasks) for each round, once per debounce window, on commit."""
    from django.core.cache import cache

    queued = 0
    for rid in {r for r in round_ids if r}:
        if not cache.add(f"testing:coverage-refresh:{rid}", 1, timeout=REFRESH_DEBOUNCE.total_seconds()):
            continue

        def enqueue(rid: int = rid) -> None:
            try:
                refresh_coverage_task.using(run_after=timezone.now() + REFRESH_DEBOUNCE).enqueue(rid)
            except Exception:  # a backend without deferred runs: run as soon as a worker is free
                refresh_coverage_task.enqueue(rid)

        transaction.on_commit(enqueue)
        queued += 1
    return queued


def refresh_coverage(rnd: SamplingRound, *, acting_user: Any, now: dt.datetime | None = None, con=None) -> dict:
    """Recompute a round's coverage in the analytics engine and land the roll-ups in the database.

    Not an `@action`: the engine reads through its own connection (ADBC) outside a transaction;
    the roll-ups are derived data, replaced in one transaction at the end. Organisers, labs and
    village cadres may ask for it (it costs seconds on a county); jobs pass SYSTEM.
    """
    require_role(acting_user, *COVERAGE_REFRESHERS)
    now = now or timezone.now()
    county = (Division.objects.filter(level=DivisionLevel.COUNTY, path=rnd.division.path[:6]).first()
              or rnd.division)
    with runs.recorded(COVERAGE_JOB, coverage_subject(rnd), kind=engine.kind_of(con)):
        result = cov.compute_coverage(round_queries(rnd.pk, rnd.starts_on, county.path), starts_on=rnd.starts_on,
                                      infant_age=rnd.infant_age, con=con)
        figures = _land_coverage(rnd, result, now)
    rnd.coverage_at, rnd.figures = now, figures
    return {"divisions": result.rollup.num_rows, "gaps": result.gaps.num_rows,
            "site_hours": result.site_hours.num_rows, **figures}


def coverage_subject(rnd: SamplingRound) -> str:
    """The key of a round's coverage runs (analytics.runs)."""
    return f"round:{rnd.pk}"


def last_coverage_run(rnd: SamplingRound):
    return runs.last(COVERAGE_JOB, coverage_subject(rnd))


def _land_coverage(rnd: SamplingRound, result: cov.Coverage, now: dt.datetime) -> dict:
    where = f"round_id = {int(rnd.pk)}"
    with transaction.atomic():
        engine.land("testing_coveragerollup", ROLLUP_COLUMNS, result.rollup, delete_where=where,
                    constants={"round_id": rnd.pk, "computed_at": now})
        engine.land("testing_coveragegap", ["resident_id", "division_id", "home_sampling"], result.gaps,
                    delete_where=where, constants={"round_id": rnd.pk})
        engine.land("testing_sitehourrollup", ["site_id", "hour", "persons", "tubes"], result.site_hours,
                    delete_where=where, constants={"round_id": rnd.pk})
        figures = {k: (round(v, 2) if isinstance(v, float) else v) for k, v in result.turnaround.items()}
        figures["unknown_results"] = UnmatchedResult.objects.filter(resolved_at__isnull=True).count()
        SamplingRound.objects.filter(pk=rnd.pk).update(coverage_at=now, figures=figures)
    return figures


def refresh_household_week(county: Division, week_start: dt.date, *, now: dt.datetime | None = None,
                           con=None) -> int:
    """全县N户,本周落实了N户N人: the week's household roll-ups of a county (a job: derived data)."""
    now = now or timezone.now()
    with runs.recorded(HOUSEHOLD_JOB, f"county:{county.path}", kind=engine.kind_of(con)):
        rows = cov.compute_household_week(household_queries(week_start, county.path), week_start=week_start,
                                          con=con)
    sub = f"SELECT id FROM core_division WHERE path LIKE '{county.path}%'"
    return engine.land("testing_householdweekrollup", ["division_id", "households", "households_done", "persons_done"],
                       rows, delete_where=f"week_start = '{week_start.isoformat()}' AND division_id IN ({sub})",
                       constants={"week_start": week_start, "computed_at": now})


def week_start_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def flag_overdue_resampling(*, now: dt.datetime | None = None) -> int:
    """The job: remind overdue 上门单采 tasks once each, as the platform (results.do_flag_overdue_resampling)."""
    from .results import do_flag_overdue_resampling

    with audit.audit_context(source="job"):
        return do_flag_overdue_resampling(now=now, acting_user=SYSTEM)


def active_rounds(today: dt.date) -> list[SamplingRound]:
    return list(SamplingRound.objects.filter(starts_on__lte=today, ends_on__gte=today - dt.timedelta(days=2)))


@task()
def refresh_coverage_task(round_id: int) -> dict:
    with audit.audit_context(source="job"):
        return refresh_coverage(SamplingRound.objects.get(pk=round_id), acting_user=SYSTEM)


@task()
def testing_tick() -> dict:
    """The periodic job (worker loop or cron via `manage.py testing_jobs`)."""
    now = timezone.now()
    out = {"overdue": flag_overdue_resampling(now=now), "rounds": 0}
    with audit.audit_context(source="job"):
        for rnd in active_rounds(timezone.localdate(now)):
            try:
                refresh_coverage(rnd, acting_user=SYSTEM, now=now)
            except runs.AnalyticsFailed as exc:  # recorded on the run; the other rounds still refresh
                logger.error("coverage of round %s failed: %s", rnd.pk, exc.reason)
                out.setdefault("failed", []).append(rnd.pk)
                continue
            out["rounds"] += 1
        for county in Division.objects.filter(level=DivisionLevel.COUNTY):
            try:
                refresh_household_week(county, week_start_of(timezone.localdate(now)), now=now)
            except runs.AnalyticsFailed as exc:
                logger.error("household week of %s failed: %s", county.path, exc.reason)
    return out


def pending_result_count(rnd: SamplingRound) -> int:
    return rnd.samples.filter(result=Result.PENDING).count()
