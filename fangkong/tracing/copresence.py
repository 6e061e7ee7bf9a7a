"""Co-presence runs (时空伴随研判): the index people's phones and a window in, matches out, leads of
the co_presence channel through screening's intake, and the run's yield.

The join itself is the analytics engine's (`analytics.copresence`, DuckDB or Spark); this module
feeds it the records of the window from the record store (`copresence_store`) and keeps what
came of it in the platform's database.

Semantics the issue leaves open, decided here:
- the window is `--from` … `--to`, whole local days of the county (settings.TIME_ZONE), both
  inclusive: [from 00:00, to + 1 day 00:00). A record counts when it starts within it (entry
  time, scan time), on the index side as on the other;
- times in the files are local wall-clock times; stored and joined in UTC; printed as local ISO
  8601 with the offset (2022-07-01T08:50:00+08:00);
- one match per (person, index record): a cell match's `at` is the start of the overlap and
  `overlap_minutes` its length; a venue match's `at` is the person's scan time and
  `overlap_minutes` the minutes between the two scans (0 … window). `place` is the cell id or
  the venue code. Minutes are whole numbers when whole, else to two decimals;
- a person is never matched against their own records; another index person may be matched
  (index people do not become leads, they are cases already);
- phones given on the command line or in a run are normalised as the records are (+86 / 0086,
  spaces, dashes, full-width digits); one that is not a phone number stops the run with a
  Chinese reason.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
from django.conf import settings
from django.utils import timezone

from fangkong.analytics import copresence as job
from fangkong.analytics import engine, runs
from fangkong.core import audit
from fangkong.core.actions import action, is_system, require
from fangkong.core.choices import AuditAction, DivisionLevel
from fangkong.core.identity import InvalidValue, clean_id_number, clean_name, clean_phone
from fangkong.core.models import Division
from fangkong.core.scoping import ADD

from .copresence_choices import RunStatus
from .models import CoPresenceMatch, CoPresenceRun

JOB = "copresence"
JSON_KEYS = ("phone", "kind", "index_phone", "place", "overlap_minutes", "at")


def defaults() -> tuple[int, int]:
    """(minimum overlap, scan window) in minutes, from the settings."""
    return settings.FANGKONG_COPRESENCE_MIN_OVERLAP, settings.FANGKONG_COPRESENCE_SCAN_WINDOW


def clean_phones(values: list[str] | str) -> list[str]:
    """Index phones normalised, in order, each once; InvalidValue (Chinese) for a bad one."""
    if isinstance(values, str):
        values = [p for p in values.replace("，", ",").replace("、", ",").split(",")]
    out: list[str] = []
    for raw in values:
        if not str(raw).strip():
            continue
        phone = clean_phone(raw)
        if phone not in out:
            out.append(phone)
    if not out:
        raise InvalidValue("请至少填写一个指示病例手机号")
    return out


def window(starts_on: dt.date, ends_on: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[starts_on 00:00, ends_on + 1 day 00:00) local, as naive UTC datetimes."""
    if ends_on < starts_on:
        raise InvalidValue("结束日期早于开始日期")
    return engine.local_midnight(starts_on), engine.local_midnight(ends_on + dt.timedelta(days=1))


def records(start: dt.datetime, end: dt.datetime) -> dict[str, pa.Table]:
    """The engine's inputs: the stored records that start within [start, end), as Arrow."""
    from .copresence_import import LOCATIONS, SCANS

    return {"scans": SCANS.store.read(start, end, list(job.SCHEMAS["scans"])),
            "locations": LOCATIONS.store.read(start, end, list(job.SCHEMAS["locations"]))}


def find_matches(phones: list[str], starts_on: dt.date, ends_on: dt.date, *, min_overlap: int | None = None,
                 scan_window: int | None = None, kind: str | None = None) -> pa.Table:
    """The matches of the index phones in the window, on the engine `kind` (default: configured)."""
    overlap_default, window_default = defaults()
    start, end = window(starts_on, ends_on)
    con = engine.connect(kind=kind)
    try:
        return job.compute_matches(records(start, end), phones, start=start, end=end,
                                   min_overlap=overlap_default if min_overlap is None else min_overlap,
                                   scan_window=window_default if scan_window is None else scan_window, con=con)
    finally:
        engine.release(con)


def minutes(seconds: int) -> int | float:
    value = seconds / 60
    return int(value) if value == int(value) else round(value, 2)


def local_iso(value: dt.datetime) -> str:
    aware = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
    return aware.astimezone(ZoneInfo(settings.TIME_ZONE)).isoformat()


def as_json(table: pa.Table) -> list[dict[str, Any]]:
    """The matches as the command line prints them: exactly the keys of `JSON_KEYS`."""
    return [{"phone": r["phone"], "kind": r["kind"], "index_phone": r["index_phone"], "place": r["place"],
             "overlap_minutes": minutes(r["seconds"]), "at": local_iso(r["at"])} for r in table.to_pylist()]


# --------------------------------------------------------------------------------------------
# Runs: recorded, matches stored, leads made, yield counted


def _county() -> Division | None:
    return Division.objects.filter(level=DivisionLevel.COUNTY).order_by("path").first()


@action
def do_start_run(*, acting_user: Any, phones: list[str] | str, starts_on: dt.date, ends_on: dt.date,
                 min_overlap: int | None = None, scan_window: int | None = None,
                 kind: str | None = None) -> CoPresenceRun:
    """A run in the making (running): who asked, for whom, which window and rule."""
    require(acting_user, CoPresenceRun, ADD)
    phones = clean_phones(phones)
    window(starts_on, ends_on)
    overlap_default, window_default = defaults()
    user = None if is_system(acting_user) else acting_user
    division = user.division if user is not None and user.division_id else _county()
    run = CoPresenceRun.objects.create(
        division=division, created_by=user, index_phones=phones, starts_on=starts_on, ends_on=ends_on,
        min_overlap=overlap_default if min_overlap is None else min_overlap,
        scan_window=window_default if scan_window is None else scan_window,
        engine=kind or engine.configured(), status=RunStatus.RUNNING)
    audit.record(AuditAction.CREATE, run, verb="start_copresence_run",
                 changes={"phones": len(phones), "from": str(starts_on), "to": str(ends_on)})
    return run


def _resident_grids(phones: list[str]) -> dict[str, int]:
    """The grid of the one registry resident with each phone (a phone several residents share
    gives none). A location record carries a phone and nothing else, and the intake matches
    residents by phone and name: without this the person's lead would wait at the county, not
    reach the grid worker who can find them."""
    from fangkong.core.bulk import fetch_in
    from fangkong.screening.resolution import RESIDENT_SQL

    grids: dict[str, set[int]] = defaultdict(set)
    for phone, grid_id in fetch_in(RESIDENT_SQL.format(cols="phone, grid_id"), "phone", phones):
        grids[phone].add(grid_id)
    return {phone: next(iter(g)) for phone, g in grids.items() if len(g) == 1}


def _lead_input(phone: str, rows: list[dict[str, Any]], grid_id: int | None = None):
    from fangkong.screening.intake import LeadInput

    def cleaned(fn, value: str) -> str:
        try:
            return fn(value) if value else ""
        except InvalidValue:
            return ""

    name = next((cleaned(clean_name, r["name"]) for r in rows if r["name"]), "")
    id_number = next((cleaned(clean_id_number, r["id_number"]) for r in rows if r["id_number"]), "")
    reasons = "；".join(_sentence(r) for r in rows[:5]) + (f"等{len(rows)}条" if len(rows) > 5 else "")
    return LeadInput(name=name, id_number=id_number, phone=phone, note=f"时空伴随：{reasons}"[:2000],
                     origin=rows[0]["place"][:255], arrived_at=rows[0]["at"].replace(tzinfo=dt.UTC),
                     division_hint_id=grid_id)


def _sentence(r: dict[str, Any]) -> str:
    at = timezone.localtime(r["at"].replace(tzinfo=dt.UTC))
    if r["kind"] == job.CELL:
        return f"{at:%m月%d日%H:%M}起与{r['index_phone']}在网格{r['place']}重叠{minutes(r['seconds'])}分钟"
    return f"{at:%m月%d日%H:%M}与{r['index_phone']}先后扫场所码{r['place']}，相隔{minutes(r['seconds'])}分钟"


@action
def do_finish_run(*, acting_user: Any, run: CoPresenceRun, table: pa.Table, seconds: float,
                  make_leads: bool = True) -> CoPresenceRun:
    """Store the matches, turn the co-present people into co_presence leads (screening intake:
    merged into persons, routed, verified on deadlines), count the yield so far."""
    from fangkong.screening.choices import Channel
    from fangkong.screening.intake import ingest

    rows = table.to_pylist()
    utc = dt.UTC
    objs = [CoPresenceMatch(
        run=run, phone=r["phone"], name=(r["name"] or "")[:40], id_number=(r["id_number"] or "")[:32], kind=r["kind"],
        index_phone=r["index_phone"], place=r["place"], place_name=(r["place_name"] or "")[:100],
        at=r["at"].replace(tzinfo=utc), overlap_minutes=minutes(r["seconds"]),
        index_start=r["index_start"].replace(tzinfo=utc), index_end=r["index_end"].replace(tzinfo=utc),
        record_start=r["record_start"].replace(tzinfo=utc), record_end=r["record_end"].replace(tzinfo=utc),
    ) for r in rows]
    CoPresenceMatch.objects.bulk_create(objs, batch_size=2000)
    by_phone: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if r["phone"] not in run.index_phones:
            by_phone[r["phone"]].append(r)
    created = 0
    if make_leads and by_phone:
        grids = _resident_grids(sorted(by_phone))
        result = ingest([_lead_input(p, rs, grids.get(p)) for p, rs in sorted(by_phone.items())],
                        channel=Channel.CO_PRESENCE)
        created = result.created
        lead_of = {lead.phone: lead.pk for lead in result.leads}
        for phone, lead_id in lead_of.items():
            CoPresenceMatch.objects.filter(run=run, phone=phone).update(lead_id=lead_id)
    run.status, run.finished_at, run.seconds = RunStatus.DONE, timezone.now(), round(seconds, 3)
    run.matches_count, run.people, run.leads_created = len(rows), len(by_phone), created
    run.save()
    refresh_yield(run)
    audit.record(AuditAction.UPDATE, run, verb="finish_copresence_run", changes={
        "matches": run.matches_count, "people": run.people, "leads": created})
    return run


def run_copresence(*, acting_user: Any, phones: list[str] | str, starts_on: dt.date, ends_on: dt.date,
                   min_overlap: int | None = None, scan_window: int | None = None, kind: str | None = None,
                   make_leads: bool = True) -> CoPresenceRun:
    """A whole run: started, computed on the engine (recorded as an analytics run; a failure
    marks the run failed with the reason and raises `runs.AnalyticsFailed`), then finished."""
    run = do_start_run(acting_user=acting_user, phones=phones, starts_on=starts_on, ends_on=ends_on,
                       min_overlap=min_overlap, scan_window=scan_window, kind=kind)
    try:
        with runs.recorded(JOB, f"run:{run.pk}", kind=run.engine) as record:
            table = find_matches(run.index_phones, run.starts_on, run.ends_on, min_overlap=run.min_overlap,
                                 scan_window=run.scan_window, kind=run.engine)
    except runs.AnalyticsFailed as exc:
        CoPresenceRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, message=exc.reason,
                                                       finished_at=timezone.now())
        raise
    return do_finish_run(acting_user=acting_user, run=run, table=table, seconds=record.seconds or 0.0,
                         make_leads=make_leads)


def refresh_yield(run: CoPresenceRun) -> int:
    """How many of the run's co-present people tested positive on a sample taken at or after
    their match (testing's results, by phone or ID number); marks their matches. Returns it."""
    from fangkong.testing.choices import Result
    from fangkong.testing.models import Sampling

    matches = list(CoPresenceMatch.objects.filter(run=run).exclude(phone__in=run.index_phones)
                   .values_list("pk", "phone", "id_number", "at"))
    if not matches:
        CoPresenceRun.objects.filter(pk=run.pk).update(positives=0, yield_checked_at=timezone.now())
        return 0
    first = min(m[3] for m in matches)
    phones = {m[1] for m in matches}
    ids = {m[2] for m in matches if m[2]}
    positive_by_phone: dict[str, dt.datetime] = {}
    positive_by_id: dict[str, dt.datetime] = {}
    sampled = Sampling.objects.filter(sample__result=Result.POSITIVE, sampled_at__gte=first)
    for phone, at in sampled.filter(phone__in=phones).values_list("phone", "sampled_at"):
        positive_by_phone[phone] = max(at, positive_by_phone.get(phone, at))
    if ids:
        for id_number, at in sampled.filter(id_number__in=ids).values_list("id_number", "sampled_at"):
            positive_by_id[id_number] = max(at, positive_by_id.get(id_number, at))
    hits, people = [], set()
    for pk, phone, id_number, at in matches:
        last = max([t for t in (positive_by_phone.get(phone), positive_by_id.get(id_number)) if t], default=None)
        if last is not None and last >= at:
            hits.append(pk)
            people.add(phone)
    CoPresenceMatch.objects.filter(pk__in=hits).update(tested_positive=True)
    run.positives, run.yield_checked_at = len(people), timezone.now()
    CoPresenceRun.objects.filter(pk=run.pk).update(positives=run.positives, yield_checked_at=run.yield_checked_at)
    return run.positives
