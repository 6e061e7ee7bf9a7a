"""The pages: starting a sweep from the form, the phone walk (one tap, not at home, a person
found, a risk answer), coverage numbers that open their lists, exports, the diff page, the API's
coverage, and scope on each."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.core.choices import AuditAction, DivisionLevel
from fangkong.core.models import AuditLog
from fangkong.core.testkit import api_client_for, client_for

from ..actions import do_record_member
from ..choices import VisitStatus
from ..models import MemberAnswer, Sweep, Visit
from . import factories as F

pytestmark = pytest.mark.django_db


def test_the_command_centre_starts_a_sweep_from_the_form(users):
    F.questionnaire()
    c = client_for(users["commander"])
    village = users["village"].division
    assert c.get(reverse("grid:sweep_start")).status_code == 200
    due = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    r = c.post(reverse("grid:sweep_start"), {"name": "五月排摸", "areas": [village.pk], "due_at": due,
                                             "questionnaire": F.questionnaire().pk, "max_attempts": 3})
    s = Sweep.objects.get(name="五月排摸")
    assert r.status_code == 302 and r["Location"] == reverse("grid:sweep", args=[s.pk])
    assert Visit.objects.filter(sweep=s).count() == s.households > 0


def test_a_grid_worker_may_not_open_the_start_form(users):
    assert client_for(users["grid"]).get(reverse("grid:sweep_start")).status_code == 403


def test_a_township_is_offered_only_its_own_divisions(users):
    F.questionnaire()
    page = client_for(users["township"]).get(reverse("grid:sweep_start"))
    offered = {d.pk for d in page.context["form"].fields["areas"].queryset}
    assert users["village"].division.pk in offered and users["village_other"].division.pk not in offered


def test_the_walk_on_the_phone_pages(users):
    grid = users["grid"].division
    h, (a, b) = F.household_with(grid, 2)
    s = F.sweep(grid, acting_user=users["commander"])
    v = F.visit_of(s, h)
    c = client_for(users["grid"])
    page = c.get(reverse("grid:my_sweeps"))
    assert s in page.context["sweeps"]
    listed = c.get(reverse("grid:my_households", args=[s.pk])).context["visits"]
    assert v in listed and [x.address for x in listed] == sorted(x.address for x in listed)
    page = c.get(reverse("grid:visit", args=[v.pk]))
    assert page.status_code == 200 and "无异常".encode() in page.content
    c.post(reverse("grid:visit_member", args=[v.pk, a.pk]), {"unchanged": "1"})
    c.post(reverse("grid:visit_member", args=[v.pk, b.pk]),
           {f"m{b.pk}-q_presence": "present", f"m{b.pk}-q_symptoms": "on"})
    c.post(reverse("grid:visit_action", args=[v.pk, "found"]),
           {"f-name": "新来的", "f-kind": "visitor", "f-phone": "13900001111", "f-q_presence": "present"})
    answers = {x.name: x for x in MemberAnswer.objects.filter(visit=v)}
    assert answers[a.name].unchanged and answers[b.name].risk and answers[b.name].lead_id
    assert answers["新来的"].kind == "visitor"
    v.refresh_from_db()
    assert (v.status, v.answered, v.found) == (VisitStatus.VISITED, 2, 1)
    other = Visit.objects.filter(sweep=s, status=VisitStatus.PENDING).first()
    r = c.post(reverse("grid:visit_action", args=[other.pk, "not_home"]))
    assert r.status_code == 302
    other.refresh_from_db()
    assert other.status == VisitStatus.NOT_HOME and other.attempts == 1


def test_another_grids_worker_cannot_record_a_visit(users):
    grid = users["grid"].division
    h, (a,) = F.household_with(grid, 1)
    s = F.sweep(grid, acting_user=users["commander"])
    v = F.visit_of(s, h)
    c = client_for(users["grid_other"])
    assert c.get(reverse("grid:visit", args=[v.pk])).status_code == 404
    assert c.post(reverse("grid:visit_member", args=[v.pk, a.pk]), {"unchanged": "1"}).status_code == 404
    assert not MemberAnswer.objects.filter(visit=v).exists()


def test_coverage_numbers_open_their_lists_and_export(users):
    grid = users["grid"].division
    h, (a,) = F.household_with(grid, 1)
    s = F.sweep(grid.parent, acting_user=users["commander"])
    do_record_member(F.visit_of(s, h), a, acting_user=users["grid"])
    c = client_for(users["commander"])
    page = c.get(reverse("grid:coverage", args=[s.pk]), {"level": DivisionLevel.GRID})
    assert page.status_code == 200
    row = next(r for r in page.context["rows"] if r.division == grid)
    assert row["visited"] == 1
    link = f"{reverse('grid:visit_list')}?sweep={s.pk}&amp;division={grid.pk}&amp;status=visited"
    assert link.encode() in page.content
    listed = c.get(reverse("grid:visit_list"), {"sweep": s.pk, "division": grid.pk, "status": "visited"})
    assert [o.pk for o in listed.context["object_list"]] == [F.visit_of(s, h).pk]
    unvisited = c.get(reverse("grid:visit_list"), {"sweep": s.pk, "division": grid.pk, "unvisited": "true"})
    assert unvisited.context["paginator"].count == row["unvisited"]
    before = AuditLog.objects.filter(action=AuditAction.EXPORT).count()
    xlsx = c.get(reverse("grid:coverage", args=[s.pk]), {"level": DivisionLevel.VILLAGE, "export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert c.get(reverse("grid:visit_list"), {"sweep": s.pk, "export": "xlsx"}).status_code == 200
    assert AuditLog.objects.filter(action=AuditAction.EXPORT).count() == before + 2


def test_a_village_cadre_sees_only_their_village_in_coverage_and_the_api(users):
    s = F.sweep(users["commander"].division, acting_user=users["commander"])
    village = users["village"].division
    page = client_for(users["village"]).get(reverse("grid:coverage", args=[s.pk]), {"level": DivisionLevel.VILLAGE})
    assert [r.division for r in page.context["rows"]] == [village]
    data = api_client_for(users["village"]).get(f"/api/grid/sweeps/{s.pk}/coverage/", {"level": "village"}).json()
    assert [r["division"] for r in data] == [village.pk]
    full = api_client_for(users["commander"]).get(f"/api/grid/sweeps/{s.pk}/coverage/", {"level": "township"}).json()
    assert sum(r["households"] for r in full) == s.households


def test_the_diff_page_lists_the_changes(users):
    grid = users["grid"].division
    h, (a,) = F.household_with(grid, 1)
    first = F.sweep(grid, acting_user=users["commander"])
    do_record_member(F.visit_of(first, h), a, acting_user=users["grid"])
    second = F.sweep(grid, name="第二轮", acting_user=users["commander"])
    do_record_member(F.visit_of(second, h), a, {"presence": "present", "symptoms": True}, acting_user=users["grid"])
    page = client_for(users["commander"]).get(reverse("grid:diff", args=[second.pk]))
    assert page.status_code == 200
    d = next(d for d in page.context["diffs"] if d.name == a.name)
    assert d.changes == [("有无发热、咳嗽、乏力等症状", "否", "是")]
