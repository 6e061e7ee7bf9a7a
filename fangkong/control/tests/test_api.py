"""API: scoped lists, actions through the same audited functions, responses match the schema."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from fangkong.core.choices import AuditAction, MeasureKind
from fangkong.core.testkit import assert_audited

from ..choices import ContactType, MeasureStatus, TestStatus
from ..models import Measure
from . import factories as F


def api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


@pytest.fixture
def schema(db):
    return SchemaGenerator().get_schema(request=None, public=True)


def _check(schema, path: str, method: str, code: str, data) -> None:
    """A light check that the response carries every property the schema declares."""
    op = schema["paths"][path][method]
    content = op["responses"][code]["content"]["application/json"]["schema"]
    ref = content.get("$ref") or content.get("items", {}).get("$ref")
    name = ref.rsplit("/", 1)[-1]
    props = schema["components"]["schemas"][name]["properties"]
    if "results" in props:
        item = props["results"]["items"]["$ref"].rsplit("/", 1)[-1]
        props, data = schema["components"]["schemas"][item]["properties"], data["results"][0]
    elif isinstance(data, list):
        data = data[0]
    assert set(props) <= set(data), set(props) - set(data)


def test_it_lists_measures_masked_and_in_scope(db, users, schema):
    F.standard_policy()
    m = F.start(F.person(), timezone.localdate(), contact_type=ContactType.CLOSE_CONTACT)
    resp = api(users["commander"]).get("/api/control/measures/")
    assert resp.status_code == 200
    row = resp.json()["results"][0]
    assert row["id"] == m.pk and row["id_number"] != m.person.id_number and "*" in row["id_number"]
    _check(schema, "/api/control/measures/", "get", "200", resp.json())
    full = api(users["commander"]).get("/api/control/measures/", {"full_pii": "1"}).json()["results"][0]
    assert full["id_number"] == m.person.id_number
    assert_audited(AuditAction.VIEW_PII, m, actor=users["commander"])
    assert api(users["lab"]).get("/api/control/measures/").json()["count"] == 0


def test_it_starts_checks_in_and_releases_through_the_api(db, users, schema):
    F.standard_policy()
    p = F.person(resident=None)
    client = api(users["commander"])
    resp = client.post("/api/control/measures/start/", {"person": p.pk, "contact_type": ContactType.CLOSE_CONTACT},
                       format="json")
    assert resp.status_code == 201, resp.content
    m = Measure.objects.get(pk=resp.json()["id"])
    assert m.kind == MeasureKind.CENTRAL_QUARANTINE
    resp = client.post(f"/api/control/measures/{m.pk}/check_in/", {"temperature": "36.5", "source": "site_staff"},
                       format="json")
    assert resp.status_code == 201
    resp = client.post(f"/api/control/measures/{m.pk}/release/")
    assert resp.status_code == 400 and "不能解除,以下事项未完成:" in resp.json()["detail"]
    for t in m.tests.all():
        assert client.post(f"/api/control/tests/{t.pk}/result/", {"result": "negative"}).status_code == 200
    Measure.objects.filter(pk=m.pk).update(starts_on=m.starts_on - dt.timedelta(days=7),
                                           ends_on=timezone.localdate())
    resp = client.post(f"/api/control/measures/{m.pk}/release/")
    assert resp.status_code == 200, resp.content
    assert resp.json()["kind"] == MeasureKind.HOME_MONITORING  # the next step of the plan
    assert Measure.objects.get(pk=m.pk).status == MeasureStatus.RELEASED
    assert m.tests.filter(status=TestStatus.NEGATIVE).count() == 5


def test_it_assigns_rooms_and_reports_capacity(db, users, schema):
    F.standard_policy()
    site = F.site(rooms=2)
    m = F.start(F.person(), timezone.localdate(), contact_type=ContactType.CLOSE_CONTACT, site=site)
    client = api(users["commander"])
    room = site.rooms.first()
    resp = client.post(f"/api/control/measures/{m.pk}/assign_room/", {"room": room.pk}, format="json")
    assert resp.status_code == 200 and resp.json()["room"] == room.pk
    # The room has one bed: a second person is refused with a Chinese message.
    m2 = F.start(F.person(), timezone.localdate(), contact_type=ContactType.CLOSE_CONTACT, site=site)
    resp = client.post(f"/api/control/measures/{m2.pk}/assign_room/", {"room": room.pk}, format="json")
    assert resp.status_code == 400 and "已满" in resp.json()["detail"][0]
    resp = client.get("/api/control/sites/capacity/")
    cap = resp.json()["results"][0]
    # One room occupied, the other needed by the person waiting for one: none free.
    assert cap["occupied"][0] == 1 and cap["waiting"] == 1 and cap["free"][0] == 0
    _check(schema, "/api/control/sites/capacity/", "get", "200", resp.json())


def test_it_previews_a_policy_version(db, users, schema):
    from fangkong.core import audit

    from ..actions import do_create_draft, do_save_rule

    v1 = F.standard_policy()
    m = F.start(F.person(), timezone.localdate(), contact_type=ContactType.CLOSE_CONTACT)
    with audit.audit_context(actor=users["cdc"]):
        draft = do_create_draft(v1, acting_user=users["cdc"])
        do_save_rule(draft.rules.get(name="密接"), [(MeasureKind.CENTRAL_QUARANTINE, 14)], acting_user=users["cdc"])
    resp = api(users["cdc"]).get(f"/api/control/policies/{draft.pk}/preview/")
    assert resp.status_code == 200
    assert [(r["measure"], r["plan_days"], r["new_plan_days"]) for r in resp.json()["results"]] == [(m.pk, 10, 14)]
    _check(schema, "/api/control/policies/{id}/preview/", "get", "200", resp.json())


def test_it_publishes_the_actions_in_the_schema(schema):
    paths = schema["paths"]
    for action in ("start", "{id}/release", "{id}/extend", "{id}/early_release", "{id}/assign_room",
                   "{id}/check_in", "{id}/transfer", "{id}/door_check"):
        assert "post" in paths[f"/api/control/measures/{action}/"]
    assert "get" in paths["/api/control/risk-areas/"]


@pytest.mark.parametrize("url", [
    "/api/control/measures/abc/check_in/", "/api/control/measures/abc/extend/", "/api/control/measures/abc/release/",
    "/api/control/measures/abc/early_release/", "/api/control/measures/abc/assign_room/",
    "/api/control/measures/abc/door_check/", "/api/control/measures/abc/transfer/",
    "/api/control/tests/abc/result/", "/api/control/sites/abc/staff/", "/api/control/transfers/abc/advance/",
])
def test_it_answers_404_for_a_non_numeric_id_in_an_action_url(db, users, url):
    """#17 probe: a non-numeric id in the control action URLs answered 500."""
    resp = api(users["commander"]).post(url, {}, format="json")
    assert resp.status_code == 404, resp.content
