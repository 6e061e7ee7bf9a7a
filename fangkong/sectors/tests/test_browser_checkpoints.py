"""A real browser on a 375 px phone: at a county-border checkpoint a cadre registers a car from a
risk area with three people on one screen; each becomes a lead handed to the destination grid."""

from __future__ import annotations

import pytest
from django.test import Client

from fangkong.core.testkit import launch_chromium
from fangkong.screening.models import Lead, Verification
from fangkong.sectors.models import PersonCheck, VehicleCheck

from .factories_checkpoints import make_checkpoint, make_risk_area, outsider_id

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.mark.browser
def test_a_car_with_three_people_registered_on_one_phone_screen(restore_county, live_server, browser):
    from fangkong.core.testkit import named_users

    users = named_users()
    grid = users["grid"].division
    cp = make_checkpoint(grid, name="县界东卡口")
    make_risk_area("上海市", "", "浦东新区")
    client = Client()
    client.force_login(users["township"])
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)

    page.goto(f"{live_server.url}/sectors/checkpoints/{cp.pk}/register/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.fill("input[name=v_plate]", "浙A·66666")
    page.fill("input[name=v_origin]", "上海市浦东新区")
    page.get_by_role("link", name="再加一人").click()
    page.get_by_role("link", name="再加一人").click()
    people = page.locator("[data-person]")
    assert people.count() == 3
    ids = [outsider_id() for _ in range(3)]
    for n, (id_number, name) in enumerate(zip(ids, ("赵一", "钱二", "孙三"), strict=True)):
        block = people.nth(n)
        block.locator("input[name$=-id_number]").fill(id_number)  # typed, as a card reader types it
        block.locator("input[name$=-name]").fill(name)
        block.locator("select[name$=-grid]").select_option(str(grid.pk))
    page.get_by_role("button", name="提交登记").click()
    page.wait_for_url(f"**/sectors/checkpoints/{cp.pk}/register/")
    assert "已登记：车辆1辆，人员3人" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    car = VehicleCheck.objects.get(checkpoint_id=cp.pk)
    assert (car.plate, car.occupants, car.from_risk) == ("浙A66666", 3, True)
    rows = PersonCheck.objects.filter(vehicle_id=car.pk)
    assert sorted(rows.values_list("id_number", flat=True)) == sorted(ids)
    leads = Lead.objects.filter(pk__in=rows.values("lead_id"), channel="checkpoint")
    assert leads.count() == 3
    assert set(Verification.objects.filter(pk__in=leads.values("verification_id"))
               .values_list("division_id", flat=True)) == {grid.pk}
    context.close()
