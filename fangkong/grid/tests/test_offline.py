"""离线填报 on the server: an answer's idempotency key applies it once (a replay returns the first
result), a reassigned or closed item is a conflict kept with its reason, the phone's snapshot holds
only the worker's own grid, and logging out tells the browser to wipe what it kept."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse

from fangkong.core.actions import SYSTEM
from fangkong.core.choices import DivisionLevel
from fangkong.core.models import AuditLog, Division
from fangkong.core.testkit import client_for
from fangkong.screening import actions as screening
from fangkong.screening.choices import AttemptKind, Channel
from fangkong.screening.intake import LeadInput
from fangkong.screening.models import ContactAttempt, Lead
from fangkong.screening.tests.helpers import resident_of_grid

from ..actions import do_close_sweep
from ..choices import OfflineKind, OfflineResult, VisitStatus
from ..models import MemberAnswer, OfflineSubmission, Visit
from . import factories as F

pytestmark = pytest.mark.django_db

RISK = {"presence": "present", "symptoms": True}


@pytest.fixture
def walk(users):
    grid = users["grid"].division
    homes = [F.household_with(grid, 2) for _ in range(2)]
    return F.sweep(grid, acting_user=users["commander"]), homes


def _send(user, **payload):
    payload.setdefault("key", str(uuid.uuid4()))
    response = client_for(user).post(reverse("grid:offline_answer"), json.dumps(payload),
                                     content_type="application/json")
    return response, payload


def _task(users, n=0):
    r = resident_of_grid(users["grid"].division, n)
    lead, _created = screening.do_submit_lead(LeadInput(name=r.name, id_number=r.id_number, phone=r.phone),
                                              channel=Channel.BIG_DATA, acting_user=SYSTEM)
    task = lead.verification
    assert task.assignee == users["grid"]
    return task


def test_it_applies_an_answer_once_whatever_the_replays(users, walk):
    sweep, homes = walk
    h, (a, _b) = homes[0]
    v = F.visit_of(sweep, h)
    first, payload = _send(users["grid"], kind=OfflineKind.MEMBER, target=v.pk, resident=a.pk, unchanged=True)
    again = client_for(users["grid"]).post(reverse("grid:offline_answer"), json.dumps(payload),
                                           content_type="application/json")
    assert first.status_code == again.status_code == 200
    assert not first.json()["replayed"] and again.json()["replayed"]
    assert first.json()["object_id"] == again.json()["object_id"]
    ans = MemberAnswer.objects.get(visit=v, resident=a)
    assert ans.pk == first.json()["object_id"] and ans.unchanged and ans.by == users["grid"]
    assert AuditLog.objects.filter(verb="record_member", object_id=str(ans.pk)).count() == 1
    sub = OfflineSubmission.objects.get(key=payload["key"])
    assert sub.user == users["grid"] and sub.result == OfflineResult.DONE and sub.object_id == ans.pk
    v.refresh_from_db()
    assert v.answered == 1 and v.status == VisitStatus.VISITED


def test_a_risk_answer_sent_twice_opens_one_lead(users, walk):
    sweep, homes = walk
    h, (a, _b) = homes[1]
    v = F.visit_of(sweep, h)
    first, payload = _send(users["grid"], kind=OfflineKind.MEMBER, target=v.pk, resident=a.pk, answers=RISK)
    for _ in range(2):
        client_for(users["grid"]).post(reverse("grid:offline_answer"), json.dumps(payload),
                                       content_type="application/json")
    assert first.status_code == 200
    ans = MemberAnswer.objects.get(visit=v, resident=a)
    assert ans.risk and ans.lead is not None
    assert Lead.objects.filter(person=ans.lead.person, channel=Channel.GRID_SCREENING).count() == 1


def test_a_task_reassigned_meanwhile_is_a_conflict_kept_for_every_replay(users):
    task = _task(users, 4)
    elsewhere = users["grid_other"].division
    screening.do_reassign(task, elsewhere, acting_user=users["commander"])
    response, payload = _send(users["grid"], kind=OfflineKind.ATTEMPT, target=task.pk, choice=AttemptKind.FOUND,
                              note="上门见到本人")
    assert response.status_code == 409
    assert "改派" in response.json()["message"] and response.json()["result"] == OfflineResult.CONFLICT
    replay = client_for(users["grid"]).post(reverse("grid:offline_answer"), json.dumps(payload),
                                            content_type="application/json")
    assert replay.status_code == 409 and replay.json()["message"] == response.json()["message"]
    assert not ContactAttempt.objects.filter(verification=task).exists()
    assert OfflineSubmission.objects.filter(key=payload["key"], result=OfflineResult.CONFLICT).count() == 1


def test_an_attempt_and_a_stage_on_ones_own_task_are_saved(users):
    task = _task(users, 5)
    attempt, _p = _send(users["grid"], kind=OfflineKind.ATTEMPT, target=task.pk, choice=AttemptKind.FOUND)
    stage, _p = _send(users["grid"], kind=OfflineKind.STAGE, target=task.pk, choice="sampled")
    assert attempt.status_code == stage.status_code == 200
    task.refresh_from_db()
    assert ContactAttempt.objects.filter(verification=task, kind=AttemptKind.FOUND).count() == 1
    assert task.located_at and task.sampled_at
    bad, _p = _send(users["grid"], kind=OfflineKind.STAGE, target=task.pk, choice="nonsense")
    assert bad.status_code == 422 and bad.json()["message"] == "核查节点无效"


def test_a_household_reassigned_or_a_sweep_closed_is_a_conflict(users, walk):
    sweep, homes = walk
    (h0, (a, _b)), (h1, (c, _d)) = homes
    v0, v1 = F.visit_of(sweep, h0), F.visit_of(sweep, h1)
    Visit.objects.filter(pk=v0.pk).update(assignee=users["grid_other"])  # another worker took it
    moved, _p = _send(users["grid"], kind=OfflineKind.MEMBER, target=v0.pk, resident=a.pk, unchanged=True)
    assert moved.status_code == 409 and "改派" in moved.json()["message"]
    do_close_sweep(sweep, acting_user=users["commander"])
    closed, _p = _send(users["grid"], kind=OfflineKind.NOT_HOME, target=v1.pk)
    assert closed.status_code == 409 and "结束" in closed.json()["message"]
    assert not MemberAnswer.objects.filter(visit__in=[v0, v1]).exists()


def test_a_member_recorded_online_meanwhile_is_a_conflict(users, walk):
    sweep, homes = walk
    h, (a, _b) = homes[0]
    v = F.visit_of(sweep, h)
    client_for(users["grid"]).post(reverse("grid:visit_member", args=[v.pk, a.pk]), {"unchanged": "1"})
    late, _p = _send(users["grid"], kind=OfflineKind.MEMBER, target=v.pk, resident=a.pk, unchanged=True)
    assert late.status_code == 409 and "已由" in late.json()["message"]
    assert MemberAnswer.objects.filter(visit=v, resident=a).count() == 1


def test_a_key_is_one_users_only_and_bad_input_is_refused_in_chinese(users, walk):
    sweep, homes = walk
    h, (a, b) = homes[0]
    v = F.visit_of(sweep, h)
    mine, payload = _send(users["grid"], kind=OfflineKind.MEMBER, target=v.pk, resident=a.pk, unchanged=True)
    theirs, _p = _send(users["village"], **{**payload, "resident": b.pk})
    assert mine.status_code == 200 and theirs.status_code == 403
    no_key, _p = _send(users["grid"], key="x", kind=OfflineKind.MEMBER, target=v.pk, resident=b.pk)
    assert no_key.status_code == 400 and no_key.json()["detail"] == "缺少有效的填报编号"
    assert MemberAnswer.objects.filter(visit=v).count() == 1


def test_it_answers_json_to_the_logged_out_and_refuses_other_roles(client, users):
    response = client.post(reverse("grid:offline_answer"), "{}", content_type="application/json")
    assert response.status_code == 401 and "重新登录" in response.json()["detail"]
    assert client.get(reverse("grid:offline_data")).status_code == 401
    assert client_for(users["lab"]).get(reverse("grid:offline_data")).status_code == 403
    assert client_for(users["lab"]).get(reverse("grid:offline")).status_code == 403


def test_the_snapshot_holds_the_workers_own_grid_only(users):
    mine, theirs = users["grid"].division, users["grid_other"].division
    village = Division.objects.get(pk=mine.parent_id)
    assert village.level == DivisionLevel.VILLAGE
    my_home, my_people = F.household_with(mine, 2)
    their_home, their_people = F.household_with(theirs, 2)
    sweep = F.sweep(mine, theirs, acting_user=users["commander"])
    my_task, their_task = _task(users, 6), None
    r = resident_of_grid(theirs, 0)
    lead, _c = screening.do_submit_lead(LeadInput(name=r.name, id_number=r.id_number, phone=r.phone),
                                        channel=Channel.BIG_DATA, acting_user=SYSTEM)
    their_task = lead.verification
    data = client_for(users["grid"]).get(reverse("grid:offline_data")).json()
    visits = {v["id"] for v in data["visits"]}
    assert F.visit_of(sweep, my_home).pk in visits and F.visit_of(sweep, their_home).pk not in visits
    assert set(Visit.objects.filter(pk__in=visits).values_list("grid_id", flat=True)) == {mine.pk}
    people = {m["id"] for v in data["visits"] for m in v["members"]}
    assert {p.pk for p in my_people} <= people and not {p.pk for p in their_people} & people
    tasks = {t["id"] for t in data["tasks"]}
    assert my_task.pk in tasks and their_task.pk not in tasks
    raw = json.dumps(data, ensure_ascii=False)
    # No full ID number reaches the phone, not even of the worker's own people (masked).
    assert all(p.id_number not in raw for p in [*my_people, *their_people, r] if p.id_number)
    assert data["user"] == users["grid"].pk and data["csrf"]


def test_logging_out_tells_the_browser_to_wipe_the_phone(users):
    client = client_for(users["grid"])
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"].endswith("?logged_out=1")
    assert "\"storage\"" in response["Clear-Site-Data"] and "\"cache\"" in response["Clear-Site-Data"]
    page = client.get(response["Location"])
    assert page.status_code == 200 and "offline/wipe" in page.content.decode()
    assert "offline/wipe" not in client.get(reverse("login")).content.decode()  # an idle timeout keeps the queue


def test_the_app_shell_service_worker_and_manifest(users):
    client = client_for(users["grid"])
    shell = client.get(reverse("grid:offline"))
    assert shell.status_code == 200 and 'id="offline-app"' in shell.content.decode()
    sw = client.get(reverse("grid:offline_sw"))
    assert sw["Content-Type"].startswith("application/javascript")
    assert 'const SHELL = "/grid/offline/"' in sw.content.decode()
    manifest = json.loads(client.get(reverse("grid:offline_manifest")).content)
    assert manifest["scope"] == manifest["start_url"] == "/grid/offline/"
    assert {i["sizes"] for i in manifest["icons"]} >= {"192x192", "512x512"}
    sweeps = client.get(reverse("grid:my_sweeps")).content.decode()
    assert reverse("grid:offline") in sweeps and "data-offline-pending" in sweeps
    assert reverse("grid:offline") not in client_for(users["cdc"]).get(reverse("grid:my_sweeps")).content.decode()


def test_a_door_check_is_saved_once_and_a_released_measure_is_a_conflict(users):
    from fangkong.control.actions import do_early_release
    from fangkong.control.models import DoorCheck, Measure
    from fangkong.control.tests.test_mixins import new_measure

    worker = users["grid"]
    m = new_measure(worker.division)
    Measure.objects.filter(pk=m.pk).update(responsible=worker)
    data = client_for(worker).get(reverse("grid:offline_data")).json()
    assert m.pk in {x["id"] for x in data["measures"]}
    first, payload = _send(worker, kind=OfflineKind.DOOR_CHECK, target=m.pk, choice="present", note="在家")
    again = client_for(worker).post(reverse("grid:offline_answer"), json.dumps(payload), content_type="application/json")
    assert first.status_code == again.status_code == 200 and again.json()["replayed"]
    check = DoorCheck.objects.get(measure=m)
    assert check.pk == first.json()["object_id"] and check.checked_by == worker
    assert AuditLog.objects.filter(verb="door_check", object_id=str(check.pk)).count() == 1
    m.refresh_from_db()
    do_early_release(m, reason="解除", acting_user=users["commander"])
    late, _p = _send(worker, kind=OfflineKind.DOOR_CHECK, target=m.pk, choice="present")
    assert late.status_code == 409 and "已解除" in late.json()["message"]
    assert DoorCheck.objects.filter(measure=m).count() == 1
