"""The work lists of the field test (#18 items 8–10): the county's 待分派 queue linked from the board,
bulk reassignment, the division picker, list filters and search, deadline order, person search."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.core.actions import SYSTEM
from fangkong.core.choices import DivisionLevel, MeasureKind
from fangkong.core.identity import name_pinyin
from fangkong.core.models import AuditLog, Division
from fangkong.core.testkit import client_for
from fangkong.screening import actions
from fangkong.screening.choices import Channel, Outcome, ReviewDecision, VerificationStatus
from fangkong.screening.intake import LeadInput
from fangkong.screening.models import Verification

from .helpers import outsider_id, resident_of_grid


def _submit(channel=Channel.BIG_DATA, now=None, **fields) -> Verification:
    lead, _ = actions.do_submit_lead(LeadInput(**fields), channel=channel, acting_user=SYSTEM, now=now)
    return Verification.objects.get(pk=lead.verification_id)


def _queued(n: int, channel=Channel.BIG_DATA) -> Verification:
    """A task the address could not route: it stays at the county (县级待分派)."""
    return _submit(channel, name=f"外地{n}", phone=f"1390000{n:04d}", address="外省某地")


def _listed(client, **params) -> list[int]:
    page = client.get(reverse("screening:verifications"), params)
    assert page.status_code == 200
    return [t.pk for t in page.context["object_list"]]


def _village(n: int = 3) -> Division:
    return Division.objects.filter(level=DivisionLevel.VILLAGE).order_by("path")[n]


# 8. The county's queue: board links, bulk reassignment, the picker ---------------------------------


def test_it_links_the_county_queue_row_of_the_board_to_its_lists(users):
    queued = _queued(1)
    routed = _submit(name="本地一", phone="13900010001", address=f"{_village().parent.name}{_village().name}1号")
    commander = client_for(users["commander"])
    html = commander.get(reverse("screening:board")).content.decode()
    row = html[html.index("县级待分派"):]
    row = row[:row.index("</tr>")]
    assert "county_queue=true" in row and "metric=pending" in row
    listed = _listed(commander, metric="pending", county_queue="true")
    assert queued.pk in listed and routed.pk not in listed
    leads = commander.get(reverse("screening:leads"), {"county_queue": "true"}).context["object_list"]
    assert {lead.person_id for lead in leads} == {queued.person_id}


def test_it_reassigns_many_tasks_at_once_audited_and_in_scope(users):
    a, b = _queued(2), _queued(3)
    other = _queued(4, Channel.SELF_REPORT)  # another module's task: not the big-data admin's
    village = _village()
    admin = client_for(users["big_data_admin"])
    back = reverse("screening:verifications") + "?county_queue=true"
    refused = admin.post(reverse("screening:reassign_many"),
                         {"task": [a.pk, other.pk], "division": village.pk, "next": back}, follow=True)
    assert "有 1 条任务不在您的管辖范围内" in refused.content.decode()
    a.refresh_from_db()
    assert a.division.level == DivisionLevel.COUNTY  # all or none
    done = admin.post(reverse("screening:reassign_many"), {"task": [a.pk, b.pk], "division": village.pk, "next": back})
    assert done.status_code == 302 and done["Location"] == back
    for v in (a, b):
        v.refresh_from_db()
        assert v.division == village and v.township == village.parent and v.assignee is not None
        assert AuditLog.objects.filter(verb="reassign", object_type="screening.verification", object_id=str(v.pk),
                                       actor=users["big_data_admin"]).exists()
    assert client_for(users["grid"]).post(reverse("screening:reassign_many"),
                                          {"task": [b.pk], "division": village.pk}).status_code == 403


def test_it_refuses_a_bulk_reassignment_outside_the_scope_or_of_closed_tasks(users):
    a, b = _queued(5), _queued(6)
    cadre = users["township"]
    elsewhere = Division.objects.filter(level=DivisionLevel.VILLAGE).exclude(parent=cadre.division).first()
    with pytest.raises(PermissionDenied):
        actions.do_reassign_many([a, b], elsewhere, acting_user=cadre)
    actions.do_submit_outcome(b, Outcome.NOT_IN_COUNTY, reason="已离开", place="北京", acting_user=users["big_data_admin"])
    actions.do_review(b, ReviewDecision.APPROVED, acting_user=users["big_data_reviewer"])
    b.refresh_from_db()
    with pytest.raises(ValidationError, match="已办结"):
        actions.do_reassign_many([a, b], _village(), acting_user=users["big_data_admin"])
    a.refresh_from_db()
    assert a.division.level == DivisionLevel.COUNTY


def test_it_picks_a_division_by_name_pinyin_and_drill_down_within_the_scope(users):
    village = _village()
    admin = client_for(users["big_data_admin"])
    url = reverse("screening:divisions")
    initials = name_pinyin(village.name)[1]
    for query in (village.name, initials):
        found = admin.get(url, {"dq": query}).context["options"]
        assert village.pk in [o.pk for o in found] and len(found) <= 30
    opened = admin.get(url, {"parent": village.parent_id}).context["options"]
    assert village.pk in [o.pk for o in opened]
    assert all(o.pk in set(village.parent.children.values_list("pk", flat=True)) for o in opened)
    cadre = client_for(users["township"])
    other_township = Division.objects.filter(level=DivisionLevel.TOWNSHIP).exclude(pk=users["township"].division_id)[0]
    assert cadre.get(url, {"parent": other_township.pk}).status_code == 404
    mine = {o.pk for o in cadre.get(url, {"dq": initials[:1]}).context["options"]}
    assert mine <= set(Division.objects.subtree(users["township"].division).values_list("pk", flat=True))
    # The task page offers the picker instead of a dropdown of every division of the county.
    task = admin.get(reverse("screening:verification", args=[_queued(7).pk])).content.decode()
    assert 'id="picker-pick"' in task and '<select name="division">' not in task


# 9. Filters, search and order ----------------------------------------------------------------------


def test_it_filters_and_searches_the_task_list_and_the_api_alike(users):
    grid = users["grid"].division
    r = resident_of_grid(grid, 7)
    mine = _submit(name=r.name, id_number=r.id_number, phone=r.phone, origin="北京")
    queued = _queued(8)
    self_report = _submit(Channel.SELF_REPORT, name="韩梅梅", phone="13900020002", address="外省某地")
    code = self_report.leads.get().receipt_code
    commander = client_for(users["commander"])
    assert mine.pk in _listed(commander, township=grid.parent.parent_id)
    assert queued.pk not in _listed(commander, township=grid.parent.parent_id)
    assert mine.pk in _listed(commander, division=grid.parent_id)  # a village: its subtree
    assert _listed(commander, channel="self_report", q=code) == [self_report.pk]
    assert _listed(commander, q="韩梅") == [self_report.pk]
    assert _listed(commander, q="hmm") == [self_report.pk]
    assert mine.pk in _listed(commander, q=r.phone[-4:]) and mine.pk in _listed(commander, q=r.id_number[-4:])
    assert queued.pk in _listed(commander, assignee="none") and mine.pk not in _listed(commander, assignee="none")
    assert mine.pk in _listed(commander, assignee=mine.assignee_id)
    assert queued.pk in _listed(commander, status="open", county_queue="true")
    today = timezone.localdate()
    assert mine.pk in _listed(commander, start=today.isoformat(), end=today.isoformat())
    assert mine.pk not in _listed(commander, end=(today - dt.timedelta(days=1)).isoformat())
    api = APIClient()
    api.force_login(users["commander"])
    rows = api.get("/api/screening/verifications/", {"q": code}).json()["results"]
    assert [row["id"] for row in rows] == [self_report.pk]
    page = commander.get(reverse("screening:verifications"), {"q": code}).content.decode()
    assert 'id="task-filters"' in page and f'value="{code}"' in page


def test_it_lists_overdue_tasks_first_and_tasks_without_a_deadline_last(users):
    past = timezone.now() - dt.timedelta(days=2)
    late = _submit(name="超时甲", phone="13900030001", id_number=outsider_id(31), now=past)
    fresh = _submit(name="新任务乙", phone="13900030002", id_number=outsider_id(32))
    waiting = _submit(name="待审丙", phone="13900030003", id_number=outsider_id(33))
    actions.do_submit_outcome(waiting, Outcome.CONTROLLED, measure_kind=MeasureKind.HOME_ISOLATION,
                              acting_user=users["big_data_admin"])
    waiting.refresh_from_db()
    assert waiting.status == VerificationStatus.SUBMITTED and waiting.next_due_at is None
    order = _listed(client_for(users["big_data_admin"]), q="13900030")
    assert order == [late.pk, fresh.pk, waiting.pk]
    assert _listed(client_for(users["big_data_admin"]), q="13900030", overdue="true") == [late.pk]
    api = APIClient()
    api.force_login(users["big_data_admin"])
    rows = api.get("/api/screening/verifications/", {"q": "13900030"}).json()["results"]
    assert [row["id"] for row in rows] == [late.pk, fresh.pk, waiting.pk]


# 10. Person search finds screening's persons -------------------------------------------------------


def test_it_finds_a_person_with_a_lead_but_no_registry_entry(users):
    v = _submit(name="欧阳外来", phone="13900040004", id_number=outsider_id(41), address="外省某地")
    admin = client_for(users["big_data_admin"])
    for query in ("欧阳外来", "0004", "oywl"):
        page = admin.get(reverse("registry:search"), {"q": query})
        found = [p.pk for p in page.context["risk_persons"]]
        assert found == [v.person_id], query
        assert reverse("screening:person", args=[v.person_id]) in page.content.decode()
    person_page = admin.get(reverse("screening:person", args=[v.person_id]))
    html = person_page.content.decode()
    assert person_page.status_code == 200 and "欧阳外来" in html and "13900040004" not in html
    assert reverse("screening:verification", args=[v.pk]) in html
    # Scoped: another module's admin and a grid worker elsewhere find nobody and get 404.
    for user in (users["self_report_admin"], users["grid"]):
        assert not list(client_for(user).get(reverse("registry:search"), {"q": "欧阳外来"}).context["risk_persons"])
        assert client_for(user).get(reverse("screening:person", args=[v.person_id])).status_code == 404
