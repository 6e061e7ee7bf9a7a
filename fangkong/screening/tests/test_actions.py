"""The action contract in screening: who may act, the system actor, and what gets audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from fangkong.core.actions import SYSTEM, MissingActor
from fangkong.core.choices import AuditAction, DivisionLevel
from fangkong.core.models import AuditLog, Division
from fangkong.core.testkit import api_client_for, assert_audited, client_for
from fangkong.screening import actions
from fangkong.screening.choices import AssistDirection, AttemptKind, Channel
from fangkong.screening.intake import LeadInput
from fangkong.screening.models import AssistRequest, DailyClearance, Person

from .helpers import outsider_id, resident_of_grid


def _task(users, n=0):
    r = resident_of_grid(users["grid"].division, n)
    lead, _ = actions.do_submit_lead(LeadInput(name=r.name, id_number=r.id_number, phone=r.phone),
                                     channel=Channel.BIG_DATA, acting_user=SYSTEM)
    return lead.verification


@pytest.mark.parametrize("who", ["site", "lab", "grid"])
def test_it_refuses_an_inbound_assist_request_to_roles_that_do_not_register_them(users, who):
    """The hole of issue #12: any logged-in account could register another region's request
    on the page. A quarantine-site or lab account (and a grid worker) is refused by the
    action, the page (403) and the API (403), and nothing is written."""
    user = users[who]
    before = AssistRequest.objects.count()
    with pytest.raises(PermissionDenied):
        actions.do_create_assist(AssistDirection.INBOUND, region="北京市", name="赵一", id_number=outsider_id(71),
                                 reason="密接协查", acting_user=user)
    data = {"region": "北京市朝阳区", "name": "钱二", "id_number": outsider_id(72), "reason": "密接协查"}
    page = client_for(user).post(reverse("screening:assist"), data)
    assert page.status_code == 403
    api = api_client_for(user).post(reverse("screening-assistrequest-list"), data, format="json")
    assert api.status_code == 403
    assert AssistRequest.objects.count() == before
    if users[who].role_names & AssistRequest.scope_roles["view"]:  # the list is shown, the form is not
        listing = client_for(user).get(reverse("screening:assist"))
        assert listing.status_code == 200 and "登记外地协查" not in listing.content.decode()


def test_it_lets_the_assist_module_register_on_the_page(users):
    admin = users["assist_request_admin"]
    listing = client_for(admin).get(reverse("screening:assist"))
    assert "登记外地协查" in listing.content.decode()
    data = {"region": "北京市朝阳区", "name": "孙三", "id_number": outsider_id(73), "reason": "密接协查"}
    assert client_for(admin).post(reverse("screening:assist"), data).status_code == 302
    ar = AssistRequest.objects.get(id_number=outsider_id(73))
    assert ar.created_by == admin and ar.lead is not None and ar.lead.reported_by == admin
    assert_audited(AuditAction.CREATE, ar, actor=admin, verb="create_assist")


def test_it_requires_an_acting_user(users):
    v = _task(users)
    with pytest.raises(MissingActor):
        actions.do_record_attempt(v, AttemptKind.CALLED, acting_user=None)
    with pytest.raises(TypeError):
        actions.do_record_attempt(v, AttemptKind.CALLED)  # type: ignore[call-arg]
    assert not v.attempts.exists()


def test_it_records_the_system_as_the_actor_of_the_self_report(users):
    lead, created = actions.do_submit_lead(LeadInput(name="李四", phone="13811110071"), channel=Channel.SELF_REPORT,
                                           acting_user=SYSTEM)
    assert created and lead.receipt_code and lead.reported_by is None
    row = AuditLog.objects.get(object_type="screening.lead", object_id=str(lead.pk), verb="ingest_lead")
    assert row.actor is None and row.actor_label == "system"


def test_it_audits_a_person_gaining_an_id_number(users):
    """A phone-only person whom a later lead gives an ID number: one audit row, by the reporter."""
    first, _ = actions.do_submit_lead(LeadInput(name="周五", phone="13811110072"), channel=Channel.SELF_REPORT,
                                      acting_user=SYSTEM)
    person = first.person
    assert person.id_number is None
    grid = users["grid"]
    second, created = actions.do_submit_lead(LeadInput(name="周五", phone="13811110072", id_number=outsider_id(74)),
                                             channel=Channel.GRID_SCREENING, acting_user=grid)
    assert created and second.person_id == person.pk
    assert Person.objects.get(pk=person.pk).id_number == outsider_id(74)
    row = assert_audited(AuditAction.UPDATE, person, actor=grid, verb="assign_id_number")
    assert row.changes == {"id_number": [None, outsider_id(74)]}
    # The same person again adds nothing to the audit of the ID number.
    actions.do_submit_lead(LeadInput(name="周五", phone="13811110072", id_number=outsider_id(74), note="再次"),
                           channel=Channel.GRID_SCREENING, acting_user=grid)
    assert AuditLog.objects.filter(verb="assign_id_number", object_id=str(person.pk)).count() == 1


def test_it_refuses_a_lead_from_a_role_that_may_not_add_one(users):
    with pytest.raises(PermissionDenied):
        actions.do_submit_lead(LeadInput(name="吴六", phone="13811110075"), channel=Channel.GRID_SCREENING,
                               acting_user=users["lab"])
    assert not Person.objects.filter(phone="13811110075").exists()


def test_it_closes_a_day_only_inside_the_users_scope(users):
    township = users["township"]
    other = Division.objects.filter(level=DivisionLevel.TOWNSHIP).exclude(pk=township.division_id).first()
    day = dt.date(2022, 3, 1)
    with pytest.raises(PermissionDenied):
        actions.do_close_day(other, day, acting_user=township)
    with pytest.raises(PermissionDenied):
        actions.do_close_day(township.division, day, acting_user=users["grid"])
    assert not DailyClearance.objects.filter(date=day).exists()
    clearance = actions.do_close_day(township.division, day, acting_user=township)
    assert clearance.closed_by == township


def test_it_reassigns_only_within_the_users_subtree(users):
    v = _task(users, 3)
    grid = users["grid"]
    elsewhere = Division.objects.filter(level=DivisionLevel.GRID).exclude(pk=grid.division_id).first()
    with pytest.raises(PermissionDenied):
        actions.do_reassign(v, elsewhere, acting_user=grid)
    v.refresh_from_db()
    assert v.division_id == grid.division_id
