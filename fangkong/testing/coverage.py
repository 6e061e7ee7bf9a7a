"""The testing area's questions to the analytics engine: the input tables of a round's coverage
and of the households' week, as dialect-neutral SELECTs over this area's tables (SQLite and
PostgreSQL alike). The engine (`fangkong.analytics.coverage`) knows no table of ours; codes
are turned into the 0/1 flags it reads here, where the choices live."""

from __future__ import annotations

import datetime as dt

from fangkong.analytics import engine
from fangkong.registry.choices import ResidentStatus

from .choices import EXCLUDING_REASONS, ExemptionReason, Result, SampleKind, TaskStatus


def _codes(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _exemption_flags() -> str:
    return (f"CASE WHEN reason IN ({_codes(EXCLUDING_REASONS)}) THEN 1 ELSE 0 END AS excluding, "
            f"CASE WHEN reason = '{ExemptionReason.BEDRIDDEN}' THEN 1 ELSE 0 END AS bedridden")


def _residents(where: str) -> str:
    return (
        "SELECT r.id, r.grid_id, COALESCE(r.household_id, 0) AS household_id, "
        f"CASE WHEN r.status = '{ResidentStatus.PRESENT}' THEN 1 ELSE 0 END AS present, "
        "COALESCE(r.birth_date, '1900-01-01') AS birth_date FROM registry_resident r "
        f"JOIN core_division g ON g.id = r.grid_id WHERE {where}"
    )


def _divisions(county_path: str) -> str:
    return f"SELECT id, path, level FROM core_division WHERE path LIKE '{county_path}%'"


def round_queries(round_id: int, starts_on: dt.date, county_path: str) -> dict[str, str]:
    """Input tables of `analytics.coverage.compute_coverage` for one round (ids and dates are ours)."""
    rid = int(round_id)
    day = starts_on.isoformat()
    villages = f"SELECT village_id FROM testing_roundvillage WHERE round_id = {rid}"
    return {
        "residents": _residents(f"g.parent_id IN ({villages}) AND r.status IN "
                                f"({_codes([ResidentStatus.PRESENT, ResidentStatus.AWAY])})"),
        "exemptions": (
            f"SELECT resident_id, {_exemption_flags()} FROM testing_exemption "
            f"WHERE (round_id = {rid} OR round_id IS NULL) AND (until IS NULL OR until >= '{day}')"
        ),
        "samplings": (
            "SELECT COALESCE(sp.resident_id, 0) AS resident_id, sp.sample_id, sp.sampled_at, "
            "COALESCE(s.site_id, 0) AS site_id, d.path AS site_path, "
            f"CASE WHEN s.result <> '{Result.PENDING}' THEN 1 ELSE 0 END AS resulted, "
            f"CASE WHEN s.kind = '{SampleKind.SINGLE}' AND s.result = '{Result.POSITIVE}' THEN 1 ELSE 0 END "
            "AS single_positive, COALESCE(s.resulted_at, sp.sampled_at) AS resulted_at FROM testing_sampling sp "
            "JOIN testing_sample s ON s.id = sp.sample_id JOIN core_division d ON d.id = s.division_id "
            f"WHERE sp.round_id = {rid}"
        ),
        "tasks": f"SELECT COALESCE(resident_id, 0) AS resident_id FROM testing_resamplingtask "
                 f"WHERE round_id = {rid} AND status = '{TaskStatus.OPEN}'",
        "divisions": _divisions(county_path),
    }


def household_queries(week_start: dt.date, county_path: str) -> dict[str, str]:
    """Input tables of `analytics.coverage.compute_household_week` for a county and ISO week."""
    a = week_start.isoformat()
    # samplings are stored in UTC: the week runs from local Monday 00:00 (not UTC's)
    since, until = (engine.timestamp_literal(engine.local_midnight(d))
                    for d in (week_start, week_start + dt.timedelta(days=7)))
    return {
        "residents": _residents(f"g.path LIKE '{county_path}%' AND r.status = '{ResidentStatus.PRESENT}'"),
        "exemptions": (
            f"SELECT resident_id, {_exemption_flags()} FROM testing_exemption WHERE round_id IS NULL "
            f"AND (until IS NULL OR until >= '{a}')"
        ),
        "tested": (
            "SELECT DISTINCT resident_id FROM testing_sampling "
            f"WHERE resident_id IS NOT NULL AND sampled_at >= {since} AND sampled_at < {until}"
        ),
        "divisions": _divisions(county_path),
    }
