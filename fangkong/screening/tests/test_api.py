"""The screening API: ingest from systems, scoped lists, actions, board; all in the OpenAPI schema."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.core.testkit import assert_audited
from fangkong.screening.choices import VerificationStatus
from fangkong.screening.models import Lead, Verification

from .helpers import outsider_id, resident_of_grid


def _api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)  # a session, so the audit middleware knows the actor
    return client


def test_it_ingests_a_list_from_another_system(users):
    r = resident_of_grid(users["grid"].division, 5)
    body = {"channel": "close_contact", "source": "市疾控", "rows": [
        {"name": r.name, "id_number": r.id_number, "phone": r.phone, "origin": "北京", "arrived_at": "2022-07-01"},
        {"name": "无号", "origin": "北京"},
    ]}
    resp = _api(users["close_contact_admin"]).post("/api/screening/leads/ingest/", body, format="json")
    assert resp.status_code == 201, resp.content
    out = resp.json()
    assert (out["imported"], out["rejected"], out["errors"]) == (1, 1, [{"row": 2, "reasons": ["身份证号和手机号至少填写一项"]}])
    again = _api(users["close_contact_admin"]).post("/api/screening/leads/ingest/", body, format="json").json()
    assert (again["imported"], again["duplicates"]) == (0, 1)
    assert _api(users["auditor"]).post("/api/screening/leads/ingest/", body, format="json").status_code == 403


def test_it_scopes_lists_masks_and_acts(users):
    r = resident_of_grid(users["grid"].division, 6)
    _api(users["big_data_admin"]).post("/api/screening/leads/ingest/", {"channel": "big_data", "rows": [
        {"name": r.name, "id_number": r.id_number, "phone": r.phone}]}, format="json")
    v = Verification.objects.get(person__id_number=r.id_number)
    grid = _api(users["grid"])
    listed = grid.get("/api/screening/verifications/", {"metric": "pending"}).json()
    assert v.pk in [row["id"] for row in listed["results"]]
    assert _api(users["grid_other"]).get(f"/api/screening/verifications/{v.pk}/").status_code == 404
    persons = grid.get("/api/screening/persons/").json()["results"]
    assert persons[0]["phone"] != r.phone and "*" in persons[0]["phone"]
    full = grid.get("/api/screening/persons/", {"full_pii": "1"}).json()["results"]
    assert any(p["phone"] == r.phone for p in full)
    assert_audited("view_pii", v.person, actor=users["grid"])
    assert grid.post(f"/api/screening/verifications/{v.pk}/attempt/", {"kind": "found"}).status_code == 200
    resp = grid.post(f"/api/screening/verifications/{v.pk}/outcome/", {"outcome": "controlled"})
    assert resp.status_code == 400 and "管控措施" in resp.content.decode()
    grid.post(f"/api/screening/verifications/{v.pk}/outcome/", {"outcome": "controlled",
                                                                "measure_kind": "central_quarantine"})
    assert grid.post(f"/api/screening/verifications/{v.pk}/review/", {"decision": "approved"}).status_code == 403
    done = _api(users["big_data_reviewer"]).post(f"/api/screening/verifications/{v.pk}/review/",
                                                 {"decision": "approved"}).json()
    assert done["status"] == VerificationStatus.CLOSED
    today = timezone.localdate().isoformat()
    board = _api(users["commander"]).get(f"/api/screening/board/{today}/{today}/").json()
    assert board["total"]["controlled"] >= 1 and "共排查涉疫风险人员" in board["sentence_total"]


def test_it_registers_inbound_assist_requests(users):
    resp = _api(users["assist_request_admin"]).post("/api/screening/assist-requests/", {
        "region": "北京市朝阳区", "name": "协查人", "id_number": outsider_id(21), "reason": "密接"}, format="json")
    assert resp.status_code == 201, resp.content
    assert resp.json()["lead"] is not None


def test_it_publishes_every_list_in_the_schema(users):
    schema = _api(users["commander"]).get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/screening/leads/", "/api/screening/leads/ingest/", "/api/screening/verifications/",
                 "/api/screening/verifications/{id}/review/", "/api/screening/persons/",
                 "/api/screening/merge-candidates/{id}/merge/", "/api/screening/assist-requests/",
                 "/api/screening/clearances/", "/api/screening/board/{start}/{end}/"):
        assert path in schema["paths"], path


def test_it_filters_a_tasks_leads_and_a_townships_tasks(users):
    """`?verification=` finds a task's leads through its person, `?township=` a township's tasks through
    the division tree: neither column is indexed, both filters must still answer exactly."""
    mine, other = resident_of_grid(users["grid"].division, 7), resident_of_grid(users["grid_other"].division, 7)
    api = _api(users["big_data_admin"])
    for channel, r, origin in (("big_data", mine, "北京"), ("big_data", mine, "上海"), ("big_data", other, "北京")):
        api.post("/api/screening/leads/ingest/", {"channel": channel, "rows": [
            {"name": r.name, "id_number": r.id_number, "phone": r.phone, "origin": origin}]}, format="json")
    v = Verification.objects.get(person__id_number=mine.id_number)
    w = Verification.objects.get(person__id_number=other.id_number)
    commander = _api(users["commander"])
    leads = commander.get("/api/screening/leads/", {"verification": v.pk}).json()["results"]
    assert sorted(row["origin"] for row in leads) == ["上海", "北京"]
    assert {row["verification"] for row in leads} == {v.pk}
    assert commander.get("/api/screening/leads/", {"verification": 10**9}).json()["results"] == []
    assert sorted(v.leads.values_list("origin", flat=True)) == ["上海", "北京"]
    township = users["grid"].division.parent.parent
    assert w.township_id != township.pk  # the other grid lies in another township
    listed = commander.get("/api/screening/verifications/", {"township": township.pk}).json()["results"]
    assert v.pk in [row["id"] for row in listed] and w.pk not in [row["id"] for row in listed]


@pytest.mark.parametrize("row,field", [
    ({"arrived_at": "0279-05-01"}, "arrived_at"), ({"arrived_at": "0001-01-01"}, "arrived_at"),
    ({"address": "某" * 300}, "address"), ({"origin": "某" * 256}, "origin"),
])
def test_it_refuses_impossible_dates_and_overlong_text_in_pushed_leads(users, row, field):
    """#17 probe: year 0279 was stored and long addresses were cut to 255 characters without a word."""
    r = resident_of_grid(users["grid"].division, 6)
    body = {"channel": "close_contact", "rows": [{"name": r.name, "phone": r.phone, **row}]}
    resp = _api(users["close_contact_admin"]).post("/api/screening/leads/ingest/", body, format="json")
    assert resp.status_code == 400, resp.content
    errors = resp.json()["rows"]
    row_errors = errors[0] if isinstance(errors, list) else errors["0"]
    assert field in row_errors, errors
    assert not Lead.objects.filter(phone=r.phone).exists()
