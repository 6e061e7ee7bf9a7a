"""The checkpoint screens: the one-screen registration (Chinese reasons for bad ID numbers), the
exit of a transit vehicle, the report by checkpoint and township whose numbers link to their
lists, 001's sentence from live data, and the registration intake of the API (201 / 400 / 404,
as in the OpenAPI schema)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.testkit import api_client_for, client_for
from fangkong.metrics.checkpoints import border_figures, border_sentence, checkpoint_figures, wan
from fangkong.metrics.sectors import sentence_text
from fangkong.screening.models import Lead
from fangkong.sectors.actions_checkpoints import do_register_passage
from fangkong.sectors.checkpoint_intake import PersonIn, VehicleIn
from fangkong.sectors.choices import CheckpointKind, TransitStatus
from fangkong.sectors.models import PersonCheck, VehicleCheck

from .factories_checkpoints import make_checkpoint, make_risk_area, outsider_id

pytestmark = pytest.mark.django_db


def test_the_screen_registers_a_car_with_its_people(users):
    grid = users["grid"].division
    cp = make_checkpoint(grid)
    make_risk_area("上海市", "", "浦东新区")
    client = client_for(users["township"])
    url = reverse("sectors:checkpoint_register", args=[cp.pk])
    assert client.get(url).status_code == 200
    data = {"v_plate": "浙a·12345", "v_origin": "上海市浦东新区", "v_vehicle_type": "car",
            "p-0-id_number": outsider_id(), "p-0-name": "甲", "p-0-grid": str(grid.pk),
            "p-1-id_number": outsider_id(), "p-1-name": "乙", "p-1-grid": str(grid.pk)}
    response = client.post(url, data)
    assert response.status_code == 302
    car = VehicleCheck.objects.get(checkpoint_id=cp.pk)
    assert (car.plate, car.occupants, car.from_risk) == ("浙A12345", 2, True)
    assert PersonCheck.objects.filter(vehicle_id=car.pk, from_risk=True).count() == 2
    page = client.get(url).content.decode()
    assert "已登记：车辆1辆，人员2人" in page and "已推送至目的地网格核查" in page


def test_the_screen_gives_chinese_reasons_and_keeps_what_was_typed(users):
    cp = make_checkpoint(users["grid"].division)
    response = client_for(users["township"]).post(reverse("sectors:checkpoint_register", args=[cp.pk]), {
        "v_plate": "浙A54321", "p-0-id_number": "110105198501010010", "p-0-name": "丙",
        "p-1-name": "丁"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "第1人：" in page and "校验" in page
    assert "第2人：身份证号和手机号至少填写一项" in page
    assert 'value="浙A54321"' in page and 'value="110105198501010010"' in page
    assert not VehicleCheck.objects.filter(checkpoint_id=cp.pk).exists()


def test_the_screen_is_refused_to_who_may_not_register(users):
    cp = make_checkpoint(users["grid"].division)
    assert client_for(users["lab"]).get(reverse("sectors:checkpoint_register", args=[cp.pk])).status_code == 403
    assert client_for(users["grid_other"]).get(reverse("sectors:checkpoint_register", args=[cp.pk])).status_code == 404


def test_the_exit_screen_closes_a_transit_vehicle(users):
    cp = make_checkpoint(users["grid"].division)
    do_register_passage(cp, vehicle=VehicleIn("皖K99999", transit=True), acting_user=SYSTEM)
    client = client_for(users["township"])
    url = reverse("sectors:checkpoint_exit", args=[cp.pk])
    assert client.post(url, {"plate": "皖K99999"}).status_code == 302
    assert VehicleCheck.objects.get(plate="皖K99999").transit == TransitStatus.EXITED
    response = client.post(url, {"plate": "皖K99999"})
    assert response.status_code == 400 and "没有车牌号为皖K99999的过境未出车辆" in response.content.decode()


def _traffic(users):
    grid = users["grid"].division
    border, gate = make_checkpoint(grid), make_checkpoint(grid, CheckpointKind.VILLAGE_GATE)
    make_risk_area("上海市", "", "浦东新区")
    do_register_passage(border, vehicle=VehicleIn("浙A00001"), acting_user=SYSTEM, persons=[
        PersonIn("一", outsider_id(), origin="上海市浦东新区"), PersonIn("二", outsider_id(), origin="江苏省南京市")])
    do_register_passage(border, vehicle=VehicleIn("浙A00002"), acting_user=SYSTEM,
                        persons=[PersonIn("三", outsider_id())])
    do_register_passage(gate, persons=[PersonIn("四", outsider_id())], acting_user=SYSTEM)
    return border, gate


def test_the_report_counts_by_checkpoint_and_township_and_links_to_the_lists(users):
    border, gate = _traffic(users)
    today = timezone.localdate()
    f = checkpoint_figures(users["township"], today, today)
    by_cp = {cp.pk: (t.vehicles, t.people, t.risk) for cp, t in f.by_checkpoint}
    assert by_cp[border.pk] == (2, 3, 1) and by_cp[gate.pk] == (0, 1, 0)
    township = users["township"].division
    assert [(d.pk, t.people) for d, t in f.by_township if d and d.pk == township.pk] == [(township.pk, 4)]
    client = client_for(users["township"])
    page = client.get(reverse("sectors:checkpoint_report")).content.decode()
    risk_url = (reverse("sectors:personcheck_list") +
                f"?date_from={today}&amp;date_to={today}&amp;checkpoint={border.pk}&amp;from_risk=true")
    assert risk_url in page
    listed = client.get(risk_url.replace("&amp;", "&"))
    assert listed.status_code == 200 and listed.content.decode().count("浦东新区") >= 1
    export = client.get(risk_url.replace("&amp;", "&") + "&export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(reverse("sectors:checkpoint_report"), {"date_from": "2020-01-01", "kind": "village_gate"}
                      ).status_code == 200


def test_the_sentence_of_001_comes_from_live_data(users):
    _traffic(users)
    today = timezone.localdate()
    f = border_figures(users["commander"], today.replace(day=1), today)
    assert (f.vehicles, f.people) == (2, 3) and f.checkpoints >= 1
    text = sentence_text(border_sentence(f))
    assert text.startswith(f"全县设外省市交通卡口一共是{f.checkpoints}个，{today.month}月份以来，交通卡口累计核查")
    assert text.endswith("0万辆车、0万人")
    assert wan(12345) == "1.23" and wan(800) == "0.08" and wan(30000) == "3"
    page = client_for(users["commander"]).get(reverse("sectors:report")).content.decode()
    assert "全县设外省市交通卡口一共是" in page


class TestIntakeAPI:
    url = "/api/sectors/checkpoint-registrations/"

    def test_it_registers_a_car_and_its_people(self, users):
        from fangkong.core.testkit import assert_matches_schema

        grid = users["grid"].division
        cp = make_checkpoint(grid)
        make_risk_area("上海市", "", "浦东新区")
        body = {"checkpoint": cp.pk, "vehicle": {"plate": "沪C11111", "origin": "上海市浦东新区"},
                "persons": [{"name": "己", "id_number": outsider_id(), "destination_grid": grid.pk},
                            {"name": "庚", "id_number": outsider_id()[:6] + outsider_id()[8:17]}]}  # 15 digits
        response = api_client_for(users["township"]).post(self.url, body, format="json")
        assert response.status_code == 201, response.content
        assert_matches_schema(response, self.url, "post")
        out = response.json()
        assert (len(out["vehicles"]), len(out["persons"]), out["leads"]) == (1, 2, 2)
        assert Lead.objects.filter(channel="checkpoint", pk__in=PersonCheck.objects.filter(
            pk__in=out["persons"]).values("lead_id")).count() == 2

    def test_it_refuses_bad_values_in_chinese(self, users):
        cp = make_checkpoint(users["grid"].division)
        response = api_client_for(users["township"]).post(self.url, {
            "checkpoint": cp.pk, "persons": [{"name": "辛", "id_number": "110105198501010010"}]}, format="json")
        assert response.status_code == 400
        assert "校验" in str(response.json())
        response = api_client_for(users["township"]).post(self.url, {
            "checkpoint": cp.pk, "vehicle": {"plate": "ABC"}}, format="json")
        assert response.status_code == 400 and "车牌号“ABC”格式不正确" in str(response.json())

    def test_a_checkpoint_out_of_scope_is_not_found(self, users):
        """The checkpoint is named in the body: the request is wrong, not the URL (400 on the field)."""
        cp = make_checkpoint(users["grid"].division)
        body = {"checkpoint": cp.pk, "persons": [{"name": "壬", "id_number": outsider_id()}]}
        response = api_client_for(users["grid_other"]).post(self.url, body, format="json")
        assert response.status_code == 400 and "不在您的管辖范围内" in response.json()["checkpoint"][0]
        assert api_client_for(users["lab"]).post(self.url, body, format="json").status_code in (400, 403)
        assert not PersonCheck.objects.filter(checkpoint_id=cp.pk).exists()

    def test_it_is_in_the_schema_with_its_errors(self, users):
        schema = api_client_for(users["commander"]).get("/api/schema/", {"format": "json"}).json()
        op = schema["paths"][self.url]["post"]
        assert {"201", "400", "404"} <= set(op["responses"])
        assert {"200", "400", "404"} <= set(schema["paths"]["/api/sectors/checkpoints/{id}/exit/"]["post"]["responses"])


def test_registered_at_may_not_lie_in_the_future(users):
    cp = make_checkpoint(users["grid"].division)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="登记时间不能晚于现在"):
        do_register_passage(cp, persons=[PersonIn("癸", outsider_id())], acting_user=SYSTEM,
                            at=timezone.now() + dt.timedelta(days=1))
