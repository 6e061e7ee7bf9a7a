"""Quarantine sites: staff assignment (#18 item 2), the actions' actor contract, dashboard labels."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fangkong.core.actions import SYSTEM, MissingActor
from fangkong.core.choices import AuditAction, MeasureKind
from fangkong.core.models import Division
from fangkong.core.testkit import assert_audited, client_for, make_user

from .. import actions
from ..choices import ContactType
from ..models import Measure, QuarantineSite
from . import factories as F


def _site_data(county: Division, **extra) -> dict:
    return {"name": "县宾馆隔离点", "division": county.pk, "address": "迎宾路1号", "active": "on", **extra}


def test_it_lets_the_site_account_see_and_run_the_site_it_is_given_on_the_page(db, users, county):
    """#18: the `site` account saw "尚无隔离点" and 404 for its site and the people in it."""
    F.standard_policy()
    site_client = client_for(users["site"])
    assert "您还没有被指定为任何隔离点的工作人员" in site_client.get("/control/sites/").content.decode()
    commander = client_for(users["commander"])
    form = commander.get("/control/sites/").context["form"]
    assert users["site"] in form.fields["staff"].queryset  # the site form offers the site account
    resp = commander.post("/control/sites/new/", _site_data(county, staff=[users["site"].pk]))
    site = QuarantineSite.objects.get(name="县宾馆隔离点")
    assert resp.status_code == 302 and list(site.staff.all()) == [users["site"]]
    assert_audited(AuditAction.CREATE, site, verb="create_quarantine_site")
    F.site("别的隔离点")
    m = F.start(F.person(), timezone.localdate(), contact_type=ContactType.CLOSE_CONTACT, site=site)

    body = site_client.get("/control/sites/").content.decode()
    assert "县宾馆隔离点" in body and "别的隔离点" not in body and "您还没有被指定" not in body
    assert site_client.get(f"/control/sites/{site.pk}/").status_code == 200
    assert site_client.get(f"/control/measures/{m.pk}/").status_code == 200
    assert m.person.name in site_client.get("/control/measures/").content.decode()
    # …and runs it: adds rooms, puts the person into one.
    site_client.post(f"/control/sites/{site.pk}/rooms/", {"first": 101, "last": 103, "beds": 1})
    room = site.rooms.get(number="101")
    site_client.post(f"/control/measures/{m.pk}/assign_room/", {"room": room.pk})
    m.refresh_from_db()
    assert m.room == room and site.rooms.count() == 3


def test_it_sets_site_staff_on_the_site_page_with_an_audit_row(db, users, county):
    site = F.site()
    client = client_for(users["commander"])
    page = client.get(f"/control/sites/{site.pk}/")
    assert "尚未指定工作人员" in page.content.decode() and page.context["staff_form"] is not None
    client.post(f"/control/sites/{site.pk}/staff/", {"staff": [users["site"].pk]})
    assert list(site.staff.all()) == [users["site"]]
    row = assert_audited(AuditAction.UPDATE, site, verb="set_site_staff")
    assert row.changes["staff"] == [[], ["site"]]
    assert client_for(users["site"]).get(f"/control/sites/{site.pk}/").status_code == 200
    # A grid worker may look at the site but not change who works there.
    assert client_for(users["grid"]).post(f"/control/sites/{site.pk}/staff/", {"staff": []}).status_code == 403
    assert list(site.staff.all()) == [users["site"]]


def test_it_refuses_staff_that_are_not_site_staff_in_scope(db, users, county):
    site = F.site()
    with pytest.raises(ValidationError) as exc:
        actions.do_set_site_staff(site, [users["grid"]], acting_user=users["commander"])
    assert "grid" in exc.value.messages[0]
    other_county_staff = make_user("site_far", None, "site_staff")
    with pytest.raises(ValidationError):
        actions.do_set_site_staff(site, [other_county_staff], acting_user=users["commander"])
    assert not site.staff.exists()


def test_it_makes_site_staff_who_create_a_site_work_at_it(db, users, county):
    site = actions.do_create_quarantine_site(acting_user=users["site"], name="方舱一号", division=county)
    assert list(site.staff.all()) == [users["site"]]
    assert QuarantineSite.objects.restrict(users["site"]).filter(pk=site.pk).exists()
    with pytest.raises(PermissionDenied):
        actions.do_create_quarantine_site(acting_user=users["grid"], name="方舱二号", division=county)


def test_it_requires_an_actor_for_every_action_and_lets_the_system_through(db, users):
    F.standard_policy()
    m = F.start(F.person(), timezone.localdate(), kind=MeasureKind.HOME_ISOLATION)
    with pytest.raises(MissingActor):
        actions.do_door_check(m, outcome="present", acting_user=None)
    with pytest.raises(TypeError):
        actions.do_door_check(m, outcome="present")  # no acting_user at all
    check = actions.do_door_check(m, outcome="present", acting_user=SYSTEM)
    assert check.checked_by is None
    with pytest.raises(PermissionDenied):
        actions.do_door_check(m, outcome="present", acting_user=users["lab"])
    with pytest.raises(PermissionDenied):
        actions.do_create_draft(None, acting_user=users["grid"])


def test_it_records_a_manual_start_as_one_transaction(db, users):
    """A person and exposure recorded for a measure that cannot start are undone together."""
    from fangkong.registry.models import Resident
    from fangkong.screening.models import Person

    r = Resident.objects.filter(grid=users["grid"].division).exclude(
        id_number__in=Person.objects.values("id_number")).first()
    resp = client_for(users["grid"]).post("/control/measures/start/", {"id_number": r.id_number, "kind": ""})
    assert "没有适用于该人员的规则" in resp.content.decode()
    assert not Person.objects.filter(id_number=r.id_number).exists()


def test_it_names_the_county_row_of_the_dashboard_instead_of_its_code(db, users, county):
    """#18: a division code "130724" shown as a township name on 管控总览."""
    F.standard_policy()
    p = F.person()
    p.division = county
    p.save()
    F.start(p, timezone.localdate(), kind=MeasureKind.HOME_MONITORING)
    ctx = client_for(users["commander"]).get("/control/").context
    names = [name for name, _counts, _total in ctx["figures"].by_township]
    assert f"{county.name}（未分到乡镇）" in names
    assert county.path not in names and not any(n.isdigit() for n in names)
    assert Measure.objects.filter(division=county).count() == 1


def test_it_sets_site_staff_through_the_api(db, users, county):
    from fangkong.core.testkit import api_client_for

    site = F.site()
    client = api_client_for(users["commander"])
    resp = client.post(f"/api/control/sites/{site.pk}/staff/", {"staff": [users["site"].pk]}, format="json")
    assert resp.status_code == 200 and resp.json()["staff"] == [users["site"].pk]
    resp = client.post(f"/api/control/sites/{site.pk}/staff/", {"staff": [users["grid"].pk]}, format="json")
    assert resp.status_code == 400 and "隔离点工作人员" in resp.json()["detail"][0]
    resp = client.post(f"/api/control/sites/{site.pk}/staff/", {"staff": [987654]}, format="json")
    assert resp.status_code == 400
    assert list(site.staff.all()) == [users["site"]]


def test_it_lists_only_the_persons_in_scope_on_a_township_site_page(db, users, county):
    """#17 probe: a township's quarantine site page listed the persons of other townships sent there."""
    from fangkong.core.scoping import in_subtree
    from fangkong.registry.models import Resident

    F.standard_policy()
    township = users["township"].division
    site = F.site("镇卫生院隔离点")
    QuarantineSite.objects.filter(pk=site.pk).update(division=township)
    residents = Resident.objects.order_by("id")
    mine = F.person(resident=in_subtree(residents, "grid", township).first())
    theirs = F.person(resident=residents.exclude(pk__in=in_subtree(residents, "grid", township)).first())
    for p in (mine, theirs):
        F.start(p, timezone.localdate(), contact_type=ContactType.CLOSE_CONTACT, site=site)
    response = client_for(users["township"]).get(f"/control/sites/{site.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert mine.name in body and theirs.name not in body
    # The site's staff run the whole site: they still see everyone in it.
    actions.do_set_site_staff(site, [users["site"]], acting_user=SYSTEM)
    body = client_for(users["site"]).get(f"/control/sites/{site.pk}/").content.decode()
    assert mine.name in body and theirs.name in body
