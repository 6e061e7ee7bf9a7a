"""卡口登记: an arrival from a risk area becomes a lead of channel 卡口登记 routed to the grid of
their destination (through the screening intake); an arrival from elsewhere makes none; a
transit vehicle is tracked from entry to exit; ID numbers are checked with Chinese reasons."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fangkong.core.identity import InvalidValue
from fangkong.core.models import AuditLog
from fangkong.screening.choices import Channel
from fangkong.screening.models import Lead, Verification
from fangkong.sectors.actions_checkpoints import do_record_exit, do_register_passage
from fangkong.sectors.checkpoint_cleaning import clean_health_code, clean_id, clean_plate
from fangkong.sectors.checkpoint_intake import PersonIn, VehicleIn
from fangkong.sectors.checkpoint_risk import RiskMatcher
from fangkong.sectors.choices import HealthCode, TransitStatus
from fangkong.sectors.models import PersonCheck, VehicleCheck

from .factories_checkpoints import make_checkpoint, make_risk_area, outsider_id

pytestmark = pytest.mark.django_db


def test_it_turns_an_arrival_from_a_risk_area_into_a_lead_for_the_destination_grid(users):
    grid = users["grid"].division
    checkpoint = make_checkpoint(grid)
    make_risk_area("上海市", "", "浦东新区")
    person = PersonIn(name="张测试", id_number=outsider_id(), phone="13900000001", origin="上海市浦东新区张江镇",
                      destination="某宾馆", destination_division_id=grid.pk)
    written = do_register_passage(checkpoint, persons=[person], acting_user=users["township"])

    assert written.leads == 1
    row = PersonCheck.objects.get(pk=written.persons[0])
    assert row.from_risk and "浦东新区" in row.risk_area
    lead = Lead.objects.get(pk=row.lead_id)
    assert lead.channel == Channel.CHECKPOINT and lead.origin == "上海市浦东新区张江镇"
    assert "卡口登记" in lead.note and lead.reported_by_id == users["township"].pk
    task = Verification.objects.get(pk=lead.verification_id)
    assert task.division_id == grid.pk and task.assignee_id == users["grid"].pk  # 点对点 to the grid's worker
    assert AuditLog.objects.filter(verb="register_checkpoint_passage", object_type="sectors.personcheck",
                                   object_id=str(row.pk)).exists()


def test_it_makes_no_lead_for_an_arrival_from_elsewhere(users):
    checkpoint = make_checkpoint(users["grid"].division)
    make_risk_area("上海市", "", "浦东新区")
    leads = Lead.objects.count()
    written = do_register_passage(checkpoint, acting_user=users["township"], persons=[
        PersonIn(name="李测试", id_number=outsider_id(), origin="上海市徐汇区")])
    row = PersonCheck.objects.get(pk=written.persons[0])
    assert (written.leads, row.from_risk, row.lead_id, Lead.objects.count()) == (0, False, None, leads)


def test_it_matches_risk_areas_by_date():
    today = timezone.localdate()
    make_risk_area("河北省", "石家庄市", "藁城区", since=today - dt.timedelta(days=20),
                   lifted_on=today - dt.timedelta(days=10))
    matcher = RiskMatcher(today - dt.timedelta(days=30), today)
    assert matcher.match("河北石家庄藁城区增村镇", today - dt.timedelta(days=12)) is not None
    assert matcher.match("河北省石家庄市藁城区", today) is None  # lifted
    assert matcher.match("石家庄市藁城区", today - dt.timedelta(days=12)) is not None  # no province written
    assert matcher.match("河北省石家庄市长安区", today - dt.timedelta(days=12)) is None
    # a stopover counts on any of the 14 days before arrival
    assert matcher.check("", "北京市、石家庄市藁城区", today) is not None
    assert matcher.check("", "北京市", today) is None


def test_a_vehicle_stopover_in_a_risk_area_makes_its_occupants_leads(users):
    grid = users["grid"].division
    checkpoint = make_checkpoint(grid)
    make_risk_area("广东省", "广州市", "", since=timezone.localdate() - dt.timedelta(days=30),
                   lifted_on=timezone.localdate() - dt.timedelta(days=3))
    car = VehicleIn("浙A12345", origin="江西省南昌市", stopovers="广东省广州市、湖南省长沙市")
    people = [PersonIn(name=f"车上{i}", id_number=outsider_id(), destination_division_id=grid.pk) for i in range(3)]
    written = do_register_passage(checkpoint, vehicle=car, persons=people, acting_user=users["township"])
    vehicle = VehicleCheck.objects.get(pk=written.vehicles[0])
    assert vehicle.from_risk and vehicle.occupants == 3
    assert written.leads == 3
    assert set(PersonCheck.objects.filter(vehicle_id=vehicle.pk).values_list("from_risk", flat=True)) == {True}


def test_it_adds_nothing_when_the_same_passage_is_registered_again(users):
    checkpoint = make_checkpoint(users["grid"].division)
    at = timezone.now().replace(second=0, microsecond=0)
    args = {"vehicle": VehicleIn("浙B54321"), "persons": [PersonIn(name="王测试", id_number=outsider_id())], "at": at}
    first = do_register_passage(checkpoint, acting_user=users["township"], **args)
    again = do_register_passage(checkpoint, acting_user=users["township"], **args)
    assert (len(first.vehicles), len(first.persons)) == (1, 1)
    assert (again.vehicles, again.persons, again.duplicates) == ([], [], 1)


def test_a_transit_vehicle_is_tracked_from_entry_to_exit(users):
    entry = make_checkpoint(users["grid"].division, name="东入口")
    exit_ = make_checkpoint(users["township"].division, name="西出口")
    written = do_register_passage(entry, vehicle=VehicleIn("苏E88888", vehicle_type="truck", cargo="蔬菜", transit=True),
                                  acting_user=users["township"])
    vehicle = VehicleCheck.objects.get(pk=written.vehicles[0])
    assert vehicle.transit == TransitStatus.IN_TRANSIT and vehicle.exited_at is None
    with pytest.raises(ValidationError, match="没有车牌号为苏E00000"):
        do_record_exit("苏E00000", exit_, acting_user=users["township"])
    out = do_record_exit("苏E88888", exit_, acting_user=users["township"])
    assert out.pk == vehicle.pk and out.transit == TransitStatus.EXITED and out.exit_checkpoint_id == exit_.pk
    assert out.exited_at is not None
    with pytest.raises(ValidationError):  # it is out: no second exit
        do_record_exit("苏E88888", exit_, acting_user=users["township"])
    assert AuditLog.objects.filter(verb="record_transit_exit", object_id=str(vehicle.pk)).exists()


def test_only_staff_in_scope_may_register(users):
    checkpoint = make_checkpoint(users["grid"].division)
    person = [PersonIn(name="赵测试", id_number=outsider_id())]
    with pytest.raises(PermissionDenied):
        do_register_passage(checkpoint, persons=person, acting_user=users["lab"])
    with pytest.raises((PermissionDenied, Exception)):
        do_register_passage(checkpoint, persons=person, acting_user=users["grid_other"])
    assert not PersonCheck.objects.filter(checkpoint_id=checkpoint.pk).exists()


def test_a_person_needs_an_id_number_or_a_phone(users):
    checkpoint = make_checkpoint(users["grid"].division)
    with pytest.raises(ValidationError, match="身份证号和手机号至少填写一项"):
        do_register_passage(checkpoint, persons=[PersonIn(name="无证")], acting_user=users["township"])


def test_it_checks_id_numbers_with_chinese_reasons():
    assert clean_id("11010519491231002x") == "11010519491231002X"
    assert clean_id("110105491231002") == "11010519491231002X"  # 15 digits, upgraded
    with pytest.raises(InvalidValue, match="校验"):
        clean_id("110105194912310021")
    with pytest.raises(InvalidValue, match="身份证"):
        clean_id("12345")
    assert clean_plate("浙a·12345") == "浙A12345"
    with pytest.raises(InvalidValue, match="车牌号“ABC”格式不正确"):
        clean_plate("ABC")
    assert clean_health_code("绿码") == HealthCode.GREEN
    with pytest.raises(InvalidValue, match="健康码“紫”无法识别"):
        clean_health_code("紫")
