"""Co-presence's models through the shared mixins (scope, API, pages), and the API's own
endpoints: starting a run, record intake, the OpenAPI schema."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.core.models import Division
from fangkong.core.testkit import APITests, ScopeTests, ViewTests, api_client_for, client_for
from fangkong.core.testkit.schema import api_schema
from fangkong.tracing.copresence_choices import MatchKind, RunStatus
from fangkong.tracing.models import CoPresenceMatch, CoPresenceRun

from .copresence_data import INDEX, write_files

IN, OUT, NONE = "cdc", ("cdc", "township"), "grid"  # the CDC of the county; a township's; a grid worker


def _county() -> Division:
    return Division.objects.get(level="county")


def make_run(**fields) -> CoPresenceRun:
    return CoPresenceRun.objects.create(division=_county(), index_phones=[INDEX], starts_on=dt.date(2022, 7, 1),
                                        ends_on=dt.date(2022, 7, 1), status=RunStatus.DONE, **fields)


class Users:
    user_in, user_out, user_none = IN, OUT, NONE


class RunData(Users):
    model = CoPresenceRun

    def make_object(self) -> CoPresenceRun:
        return make_run()


class TestCoPresenceRunScope(RunData, ScopeTests.Read):
    pass


class TestCoPresenceRunAPI(RunData, APITests.ReadOnly):
    api_basename = "tracing-copresencerun"


class TestCoPresenceRunPages(RunData, ViewTests.List):
    list_url_name = "tracing:copresencerun_list"


class MatchData(Users):
    model = CoPresenceMatch

    def make_object(self) -> CoPresenceMatch:
        at = timezone.now()
        return CoPresenceMatch.objects.create(
            run=make_run(), phone="13900000001", kind=MatchKind.CELL, index_phone=INDEX, place="G001", at=at,
            overlap_minutes=12, index_start=at, index_end=at, record_start=at, record_end=at)


class TestCoPresenceMatchScope(MatchData, ScopeTests.Read):
    pass


class TestCoPresenceMatchAPI(MatchData, APITests.ReadOnly):
    api_basename = "tracing-copresencematch"


class TestCoPresenceMatchPages(MatchData, ViewTests.List, ViewTests.Detail):
    list_url_name = "tracing:copresencematch_list"
    detail_url_name = "tracing:copresencematch"


@pytest.mark.django_db
def test_records_come_in_through_the_api_and_a_run_starts_through_it(tmp_path, users):
    scans, locations = write_files(tmp_path)
    client = api_client_for(users["cdc"])
    for kind, path in (("scans", scans), ("locations", locations)):
        with open(path, "rb") as fh:
            response = client.post(reverse(f"tracing-records-{kind}"), {"file": fh}, format="multipart")
        assert response.status_code == 201, response.content[:300]
        body = response.json()
        assert (body["kind"], body["status"], body["rejected"]) == (kind, "done", 0) and body["imported"] > 5
    with open(scans, "rb") as fh:
        refused = api_client_for(users["grid"]).post(reverse("tracing-records-scans"), {"file": fh},
                                                     format="multipart")
    assert refused.status_code == 403

    response = client.post(reverse("tracing-copresencerun-start"), {
        "phones": ["+86 138 0000 0001"], "starts_on": "2022-07-01", "ends_on": "2022-07-01"}, format="json")
    assert response.status_code == 201, response.content[:300]
    run = CoPresenceRun.objects.get(pk=response.json()["id"])
    assert run.matches_count > 5 and run.leads_created == run.people
    matches = client.get(reverse("tracing-copresencerun-matches", args=[run.pk])).json()
    assert len(matches) == run.matches_count and all(m["explanation"] for m in matches)
    bad = client.post(reverse("tracing-copresencerun-start"), {
        "phones": ["12345"], "starts_on": "2022-07-01", "ends_on": "2022-07-01"}, format="json")
    assert bad.status_code == 400 and "手机号" in bad.content.decode()
    assert api_client_for(users["grid"]).post(reverse("tracing-copresencerun-start"), {
        "phones": [INDEX], "starts_on": "2022-07-01", "ends_on": "2022-07-01"}, format="json").status_code == 403


@pytest.mark.django_db
def test_the_api_is_in_the_openapi_schema():
    paths = api_schema()["paths"]
    for path in ("/api/tracing/copresence/runs/", "/api/tracing/copresence/runs/start/",
                 "/api/tracing/copresence/runs/{id}/matches/", "/api/tracing/copresence/matches/",
                 "/api/tracing/records/scans/", "/api/tracing/records/locations/"):
        assert path in paths, path


@pytest.mark.django_db
def test_the_pages_import_run_and_explain(tmp_path, users):
    scans, locations = write_files(tmp_path)
    client = client_for(users["cdc"])
    for kind, path in (("scans", scans), ("locations", locations)):
        with open(path, "rb") as fh:
            page = client.post(reverse("tracing:copresence_import"), {"kind": kind, "file": fh})
        assert page.status_code == 200 and "错误0" in page.content.decode()
    listing = client.get(reverse("tracing:copresence_batches")).content.decode()
    assert "场所码.csv" in listing and "位置.csv" in listing
    response = client.post(reverse("tracing:copresence_new"), {
        "phones": f"{INDEX}\n", "starts_on": "2022-07-01", "ends_on": "2022-07-01", "min_overlap": 10,
        "scan_window": 30, "engine": "duckdb"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "在网格G001重叠10分钟" in page and "138****0001" in page and INDEX not in page
    audited = client_for(users["auditor"]).get(reverse("tracing:copresence_batches"))
    assert audited.status_code == 200 and reverse("tracing:copresence_import") not in audited.content.decode()
    assert client_for(users["grid"]).get(reverse("tracing:copresence_new")).status_code == 403
    assert client_for(users["grid"]).get(reverse("tracing:copresence_import")).status_code == 403
