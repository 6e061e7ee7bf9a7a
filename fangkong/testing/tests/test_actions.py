"""The testing actions fail closed: no actor is an error, not the system; a site is run by its
staff or a sampler whose scope covers it; the platform (SYSTEM) passes; verbs are registered."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fangkong.core.actions import SYSTEM, MissingActor
from fangkong.core.models import AuditLog
from fangkong.core.verbs import verb_label
from fangkong.testing import actions
from fangkong.testing.models import Sample, SamplingSite

from .conftest import pool, present


def test_it_refuses_an_action_without_an_actor(site):
    with pytest.raises(MissingActor):
        actions.do_open_tube(site, "N0001", 10, acting_user=None)
    assert not Sample.objects.filter(barcode="N0001").exists()


def test_it_lets_only_staff_or_samplers_in_scope_run_a_site(users, site, rnd, village):
    with pytest.raises(PermissionDenied, match="不是该采样点的工作人员"):
        actions.do_open_tube(site, "N0002", 10, round=rnd, acting_user=users["village_other"])
    with pytest.raises(PermissionDenied):
        actions.do_open_tube(site, "N0002", 10, round=rnd, acting_user=users["lab"])
    staff = users["village_other"]
    site.staff.add(staff)  # the other village's cadre staffs this site today
    tube = actions.do_open_tube(site, "N0002", 10, round=rnd, acting_user=staff)
    assert tube.opened_by == staff
    assert AuditLog.objects.get(verb="open_tube", object_id=str(tube.pk)).actor == staff


def test_it_lets_the_platform_act_as_system(users, site, rnd, village):
    tube = pool(site, rnd, present(village, 2), "N0003", capacity=5, by=SYSTEM)
    assert tube.status == "sealed" and tube.opened_by is None
    assert AuditLog.objects.filter(verb="seal_tube", object_id=str(tube.pk), actor=None).exists()


def test_it_refuses_a_result_from_a_role_that_does_not_write_results(users, site, rnd, village):
    tube = pool(site, rnd, present(village, 2), "N0004", capacity=5, by=users["village"])
    with pytest.raises(PermissionDenied):
        actions.do_record_result(tube, "positive", acting_user=users["grid"])
    tube.refresh_from_db()
    assert tube.result == "pending"
    actions.do_record_result(tube, "negative", acting_user=users["lab"])
    tube.refresh_from_db()
    assert tube.result == "negative"


def test_it_creates_a_sampling_site_under_its_own_verb(users, village):
    site = actions.do_create_sampling_site(name="新采样点", division=village, acting_user=users["township"])
    row = AuditLog.objects.get(object_type="testing.samplingsite", object_id=str(site.pk))
    assert row.verb == "create_sampling_site" and verb_label(row.verb) == "新增采样点"
    with pytest.raises(PermissionDenied):
        actions.do_create_sampling_site(name="越权采样点", division=village, acting_user=users["grid"])
    assert not SamplingSite.objects.filter(name="越权采样点").exists()


def test_it_asks_for_a_reason_a_miss_can_have(users, rnd, village):
    person = present(village, 1)[0]
    with pytest.raises(ValidationError, match="请选择未检原因"):
        actions.do_record_miss(rnd, person, "forgot", acting_user=users["village"])
    rec = actions.do_record_miss(rnd, person, "refused", acting_user=users["village"])
    assert rec.recorded_by == users["village"]
