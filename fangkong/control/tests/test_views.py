"""Pages: scope, site staff, exports (masked, audited), manual start, release refusal, self check-in."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fangkong.core.choices import AuditAction, MeasureKind
from fangkong.core.models import AuditLog
from fangkong.core.pii import mask_id_number
from fangkong.core.testkit import client_for
from fangkong.registry.models import Resident

from ..choices import CheckInSource, ContactType, MeasureStatus
from ..models import CheckIn, Measure
from ..views.measures import checkin_token
from . import factories as F


def _today_measures():
    F.standard_policy()
    today = timezone.localdate()
    return [F.start(F.person(), today, contact_type=ContactType.CLOSE_CONTACT) for _ in range(3)]


def test_it_shows_the_dashboard_to_control_roles_only(db, users):
    _today_measures()
    resp = client_for(users["commander"]).get("/control/")
    assert resp.status_code == 200 and "管控总览" in resp.content.decode()
    assert client_for(users["lab"]).get("/control/").status_code == 403


def test_it_scopes_the_measure_list_to_the_users_division(db, users):
    ms = _today_measures()
    far = Resident.objects.exclude(grid=users["grid"].division).order_by("id").last()
    ms.append(F.start(F.person(resident=far), timezone.localdate(),
                      kind=MeasureKind.HOME_MONITORING))
    mine = [m for m in ms if m.division.path.startswith(users["grid"].division.path)]
    body = client_for(users["grid"]).get("/control/measures/").content.decode()
    for m in ms:
        assert (m.person.name in body) == (m in mine)
    other = next(m for m in ms if m not in mine)
    assert client_for(users["grid"]).get(f"/control/measures/{other.pk}/").status_code == 404


def test_it_shows_site_staff_only_their_sites_persons(db, users):
    ms = _today_measures()
    mine, theirs = F.site("一号隔离点"), F.site("二号隔离点")
    mine.staff.add(users["site"])
    Measure.objects.filter(pk=ms[0].pk).update(site=mine)
    Measure.objects.filter(pk=ms[1].pk).update(site=theirs)
    client = client_for(users["site"])
    body = client.get("/control/measures/").content.decode()
    assert ms[0].person.name in body and ms[1].person.name not in body
    assert client.get(f"/control/measures/{ms[1].pk}/").status_code == 404
    assert client.get(f"/control/sites/{theirs.pk}/").status_code == 404
    assert client.get(f"/control/sites/{mine.pk}/").status_code == 200


def test_it_exports_masked_unless_the_role_may_and_audits(db, users):
    ms = _today_measures()
    assert client_for(users["auditor"]).get("/control/measures/", {"export": "xlsx", "full_pii": "1"}).status_code == 403
    resp = client_for(users["auditor"]).get("/control/measures/", {"export": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(resp.content)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("姓名", "身份证号") and len(rows) == 4
    assert {r[1] for r in rows[1:]} == {mask_id_number(m.person.id_number) for m in ms}
    log = AuditLog.objects.filter(action=AuditAction.EXPORT, actor=users["auditor"]).get()
    assert log.changes["count"] == 3 and log.changes["full_pii"] is False
    resp = client_for(users["commander"]).get("/control/measures/", {"export": "xlsx", "full_pii": "1",
                                                                       "reason": "报送市疾控"})
    rows = list(openpyxl.load_workbook(io.BytesIO(resp.content)).active.iter_rows(values_only=True))
    assert {r[1] for r in rows[1:]} == {m.person.id_number for m in ms}
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, actor=users["commander"]).get().changes["full_pii"]


def test_it_lists_with_a_bounded_number_of_queries(db, users):
    _today_measures()
    client = client_for(users["commander"])
    client.get("/control/measures/")
    with CaptureQueriesContext(connection) as few:
        client.get("/control/measures/")
    [F.start(F.person(), timezone.localdate(), kind=MeasureKind.HOME_MONITORING)
                            for _ in range(5)]
    with CaptureQueriesContext(connection) as more:
        client.get("/control/measures/")
    assert len(more) == len(few) <= 15


def test_it_starts_a_measure_by_hand_from_a_residents_id_number(db, users):
    F.standard_policy()
    resident = Resident.objects.filter(grid=users["grid"].division).first()
    resp = client_for(users["grid"]).post("/control/measures/start/", {
        "id_number": resident.id_number, "contact_type": ContactType.CLOSE_CONTACT, "kind": "",
    })
    assert resp.status_code == 302
    m = Measure.objects.get(person__id_number=resident.id_number)
    assert (m.kind, m.rule.name, m.division) == (MeasureKind.CENTRAL_QUARANTINE, "密接", resident.grid)
    # Twice: a clear Chinese message, nothing created.
    resp = client_for(users["grid"]).post("/control/measures/start/", {"id_number": resident.id_number})
    assert "该人员已在管控中" in resp.content.decode()
    # Outside the grid worker's scope.
    outsider = Resident.objects.exclude(grid=users["grid"].division).first()
    resp = client_for(users["grid"]).post("/control/measures/start/", {"id_number": outsider.id_number})
    assert "人员库和常住人口中都没有此身份证号" in resp.content.decode()


def test_it_refuses_release_on_the_page_with_the_missing_list(db, users):
    m = _today_measures()[0]
    client = client_for(users["commander"])
    resp = client.post(f"/control/measures/{m.pk}/release/", follow=True)
    body = resp.content.decode()
    assert "不能解除,以下事项未完成" in body and "管控期未满" in body and "尚无结果" in body
    m.refresh_from_db()
    assert m.status == MeasureStatus.ACTIVE


def test_it_takes_a_self_check_in_through_the_signed_link(db, users):
    m = _today_measures()[0]
    from django.test import Client

    anon = Client()
    url = f"/control/c/{checkin_token(m)}/"
    assert anon.get(url).status_code == 200
    resp = anon.post(url, {"temperature": "36.6"})
    assert "打卡成功" in resp.content.decode()
    assert CheckIn.objects.get(measure=m).source == CheckInSource.SELF
    assert anon.get(f"/control/c/{checkin_token(m)}x/").status_code == 404
    assert anon.get("/control/measures/").status_code == 302  # the rest needs a login


def test_it_plans_transfers_as_a_closed_loop(db, users):
    m = _today_measures()[0]
    site = F.site()
    client = client_for(users["commander"])
    client.post(f"/control/measures/{m.pk}/transfer/", {
        "site": site.pk, "vehicle": "冀A·12345", "escort": "王医生", "planned_at": "2022-08-01T10:00"})
    t = m.transfers.get()
    assert t.status == "planned"
    client.post(f"/control/transfers/{t.pk}/advance/")
    client.post(f"/control/transfers/{t.pk}/advance/")
    t.refresh_from_db()
    m.refresh_from_db()
    assert t.status == "arrived" and t.departed_at and t.arrived_at and m.site == site
    assert AuditLog.objects.filter(object_type="control.transfer", verb="transfer_arrive").exists()
    assert "冀A·12345" not in client.get("/control/transfers/").content.decode()  # closed: off the board
    assert "冀A·12345" in client.get("/control/transfers/", {"status": "arrived"}).content.decode()
    assert "冀A·12345" not in client_for(users["grid_other"]).get(
        "/control/transfers/", {"status": "arrived"}).content.decode()


def test_it_logs_door_checks_for_home_measures(db, users):
    F.standard_policy()
    m = F.start(F.person(), timezone.localdate(), kind=MeasureKind.HOME_ISOLATION)
    client_for(users["commander"]).post(f"/control/measures/{m.pk}/door_check/", {"outcome": "present"})
    assert m.door_checks.get().outcome == "present"
    assert m.household is not None  # the resident's household



def test_it_counts_by_township_and_lists_home_measures_not_checked_today(db, users):
    F.standard_policy()
    today = timezone.localdate()
    home = [F.start(F.person(), today, kind=MeasureKind.HOME_ISOLATION) for _ in range(2)]
    client = client_for(users["commander"])
    client.post(f"/control/measures/{home[0].pk}/door_check/", {"outcome": "present"})
    ctx = client.get("/control/").context
    assert ctx["figures"].home_unchecked == 1
    client.post(f"/control/measures/{home[1].pk}/checkin/", {"temperature": "36.4", "source": "grid_worker"})
    assert client.get("/control/").context["figures"].no_checkin == 1
    assert home[0].person.name in client.get("/control/measures/", {"no_checkin": "1"}).content.decode()
    township = home[0].division.path[:9]
    rows = {name: (counts, total) for name, counts, total in ctx["figures"].by_township}
    from fangkong.core.models import Division

    assert rows[Division.objects.get(path=township).name][1] == sum(m.division.path.startswith(township) for m in home)
    assert dict(ctx["kind_totals"])["居家医学观察"] == 2
    body = client.get("/control/measures/", {"unchecked": "1"}).content.decode()
    assert home[1].person.name in body and home[0].person.name not in body


def test_it_lists_the_api_with_a_bounded_number_of_queries(db, users):
    from rest_framework.test import APIClient

    _today_measures()
    api = APIClient()
    api.force_authenticate(users["commander"])
    api.get("/api/control/measures/")
    with CaptureQueriesContext(connection) as few:
        api.get("/api/control/measures/")
    [F.start(F.person(), timezone.localdate(), kind=MeasureKind.HOME_MONITORING) for _ in range(5)]
    with CaptureQueriesContext(connection) as more:
        api.get("/api/control/measures/")
    assert len(more) == len(few) <= 10


def test_it_filters_the_page_and_the_api_by_the_division_subtree_with_one_filterset(db, users):
    from rest_framework.test import APIClient

    from ..api.views import MeasureViewSet
    from ..views.measures import MeasureListView

    assert MeasureViewSet.filterset_class is MeasureListView.filterset_class
    ms = _today_measures()
    grid = ms[0].division
    village, township = grid.parent, grid.parent.parent
    inside = {m.pk for m in ms if m.division.path.startswith(village.path)}
    api = APIClient()
    api.force_authenticate(users["commander"])
    for division in (grid, village, township):
        listed = {r["id"] for r in api.get("/api/control/measures/", {"division": division.pk}).json()["results"]}
        assert listed == {m.pk for m in ms if m.division.path.startswith(division.path)}
    assert ms[0].pk in inside
    page = client_for(users["commander"]).get("/control/measures/", {"township": township.path})
    assert {m.pk for m in page.context["object_list"]} == {m.pk for m in ms if m.division.path.startswith(township.path)}


def test_it_lists_risk_areas_in_force_on_a_day_on_the_page_and_the_api(db, users):
    from rest_framework.test import APIClient

    from ..choices import RiskLevel
    from ..models import RiskArea

    today = timezone.localdate()
    current = RiskArea.objects.create(level=RiskLevel.HIGH, province="河北省", city="石家庄市", county="藁城区",
                                      effective_from=today)
    lifted = RiskArea.objects.create(level=RiskLevel.MEDIUM, province="河北省", city="石家庄市", county="新华区",
                                     effective_from=today.replace(day=1) - dt.timedelta(days=40),
                                     lifted_on=today.replace(day=1) - dt.timedelta(days=20))
    client = client_for(users["grid"])
    assert [a.pk for a in client.get("/control/areas/").context["object_list"]] == [current.pk]
    assert {a.pk for a in client.get("/control/areas/", {"history": "1"}).context["object_list"]} == {current.pk, lifted.pk}
    api = APIClient()
    api.force_authenticate(users["grid"])
    on = lifted.effective_from.isoformat()
    assert [r["id"] for r in api.get("/api/control/risk-areas/", {"on": on}).json()["results"]] == [lifted.pk]
    bad = api.get("/api/control/risk-areas/", {"on": "8月2日"})
    assert bad.status_code == 400 and "日期格式应为 YYYY-MM-DD" in bad.content.decode()


def test_start_measure_answers_for_a_person_outside_scope_as_for_an_unknown_one(db, users):
    """#17 probe: "该人员不在您的管辖范围内" told that the ID number was known in another grid."""
    from fangkong.screening.models import Person

    outsider = Resident.objects.exclude(grid=users["grid"].division).first()
    F.person(resident=outsider)  # a person at risk in another grid
    assert Person.objects.filter(id_number=outsider.id_number).exists()
    unknown = "110101199003077774"  # valid, and no one has it
    client = client_for(users["grid"])
    answers = [client.post("/control/measures/start/", {"id_number": n, "contact_type": ContactType.CLOSE_CONTACT})
               for n in (outsider.id_number, unknown)]
    bodies = [a.content.decode() for a in answers]
    assert all("人员库和常住人口中都没有此身份证号" in b for b in bodies)
    assert not any("管辖范围" in b for b in bodies)
    assert not Measure.objects.filter(person__id_number=outsider.id_number).exists()
