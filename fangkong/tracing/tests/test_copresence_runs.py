"""A co-presence run: recorded with its rule and engine, its matches stored and explained, the
co-present people turned into co_presence leads through screening's intake (persons, open
verifications), index people never leads, and its yield counted from testing's results."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command

from fangkong.core.choices import Role
from fangkong.core.models import AuditLog as Audit
from fangkong.screening.choices import Channel
from fangkong.screening.models import Lead
from fangkong.testing.choices import Result
from fangkong.testing.models import Sample, Sampling
from fangkong.tracing.copresence import refresh_yield, run_copresence
from fangkong.tracing.copresence_choices import MatchKind, RunStatus
from fangkong.tracing.models import CoPresenceMatch, CoPresenceRun

from .copresence_data import INDEX, copresence, import_all

pytestmark = pytest.mark.django_db
D1 = dt.date(2022, 7, 1)


def _positive(phone: str, at: dt.datetime, county, barcode: str) -> None:
    sample = Sample.objects.create(barcode=barcode, kind="single", capacity=1, division=county, opened_at=at,
                                   result=Result.POSITIVE, members=1)
    Sampling.objects.create(sample=sample, id_number="", phone=phone, division=county, sampled_at=at)


def test_a_run_stores_its_matches_makes_leads_and_counts_its_yield(tmp_path, capsys, users, county):
    import_all(tmp_path, capsys)
    cdc = users["cdc"]
    run = run_copresence(acting_user=cdc, phones=[f"+86 {INDEX}"], starts_on=D1, ends_on=D1)
    run.refresh_from_db()
    assert (run.status, run.index_phones, run.min_overlap, run.scan_window, run.engine) == (
        RunStatus.DONE, [INDEX], 10, 30, "duckdb")
    printed = copresence(capsys, "--phones", INDEX, "--from", "2022-07-01", "--to", "2022-07-01")
    assert run.matches_count == len(printed) == run.matches.count()
    people = {m["phone"] for m in printed}
    assert run.people == len(people) and INDEX not in people
    cell = run.matches.get(phone="13900000001")
    assert (cell.kind, cell.place, cell.overlap_minutes, cell.index_phone) == (MatchKind.CELL, "G001", 10, INDEX)
    assert "在网格G001重叠10分钟" in cell.explanation() and "08:00至09:00" in cell.explanation()
    venue = run.matches.get(phone="13700000002")
    assert venue.name == "李四" and "相隔30分钟" in venue.explanation() and "老街超市" in venue.explanation()

    leads = Lead.objects.filter(channel=Channel.CO_PRESENCE)
    assert run.leads_created == leads.count() == len(people)
    assert set(leads.values_list("phone", flat=True)) == people
    lead = leads.get(phone="13700000002")
    assert lead.name == "李四" and lead.person_id and lead.verification_id and "时空伴随" in lead.note
    assert cell.lead_id is not None and venue.lead_id == lead.pk
    assert Audit.objects.filter(verb="finish_copresence_run", object_id=str(run.pk)).exists()

    assert run.positives == 0
    _positive("13700000002", dt.datetime(2022, 7, 3, 9, tzinfo=dt.UTC), county, "CP0001")
    _positive("13900000001", dt.datetime(2022, 6, 20, 9, tzinfo=dt.UTC), county, "CP0002")  # before: not yield
    _positive("13900000002", dt.datetime(2022, 7, 3, 9, tzinfo=dt.UTC), county, "CP0003")  # no match: not yield
    assert refresh_yield(run) == 1
    run.refresh_from_db()
    assert run.positives == 1 and run.yield_rate == pytest.approx(1 / run.people)
    assert list(run.matches.filter(tested_positive=True).values_list("phone", flat=True)) == ["13700000002"]


def test_a_second_run_adds_no_duplicate_leads_and_the_command_line_records_one(tmp_path, capsys, users):
    import_all(tmp_path, capsys)
    call_command("copresence", "--phones", INDEX, "--from", "2022-07-01", "--to", "2022-07-01", "--run",
                 "--user", users["commander"].username, "--json")
    first = json.loads(capsys.readouterr().out)["matches"]
    run = CoPresenceRun.objects.get()
    assert run.created_by == users["commander"] and len(first) == run.matches_count
    n = Lead.objects.filter(channel=Channel.CO_PRESENCE).count()
    assert n == run.people
    again = run_copresence(acting_user=users["commander"], phones=INDEX, starts_on=D1, ends_on=D1)
    assert again.matches_count == run.matches_count
    assert Lead.objects.filter(channel=Channel.CO_PRESENCE).count() == n  # the same leads: idempotent intake


def test_only_the_cdc_and_the_command_centre_run_it(users):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run_copresence(acting_user=users["grid"], phones=INDEX, starts_on=D1, ends_on=D1)
    assert not CoPresenceRun.objects.exists()
    assert Role.CDC in users["cdc"].role_names


def test_a_failed_engine_marks_the_run_failed_with_the_reason(users, monkeypatch):
    from fangkong.analytics.runs import AnalyticsFailed
    from fangkong.tracing import copresence as cp

    def boom(*args, **kwargs):
        raise RuntimeError("缺少 Java")

    monkeypatch.setattr(cp, "find_matches", boom)
    with pytest.raises(AnalyticsFailed):
        run_copresence(acting_user=users["cdc"], phones=INDEX, starts_on=D1, ends_on=D1, kind="spark")
    run = CoPresenceRun.objects.get()
    assert run.status == RunStatus.FAILED and "Spark" in run.message
    assert not CoPresenceMatch.objects.exists()
