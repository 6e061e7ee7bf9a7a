"""A real browser on a 375 px phone: a pharmacy sale entered at the counter; the buyer becomes a
sentinel lead with a test deadline, merged into the person the platform already knows."""

from __future__ import annotations

import pytest
from django.test import Client

from fangkong.core.testkit import launch_chromium
from fangkong.screening.choices import Channel
from fangkong.screening.intake import LeadInput, ingest
from fangkong.screening.models import Lead
from fangkong.sectors.choices import DrugClass
from fangkong.sectors.models import SentinelRecord

from .factories import make_venue

PHONE = {"width": 375, "height": 740}
ID = "110105199001011232"


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.mark.browser
def test_a_pharmacy_sale_entered_at_the_counter_on_a_phone(restore_county, live_server, browser):
    from fangkong.core.testkit import named_users

    users = named_users()
    known = ingest([LeadInput(name="王小明", id_number=ID, phone="13912345678")], channel=Channel.BIG_DATA)
    pharmacy = make_venue(users["grid"].division, "pharmacy", name="康民大药房")
    client = Client()
    client.force_login(users["regulator"])
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)

    page.goto(f"{live_server.url}/sectors/sentinels/entry/?venue={pharmacy.pk}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("哨点").select_option(label="康民大药房")
    page.get_by_label("药品名称").fill("芬必得")
    page.get_by_label("数量").fill("2")
    page.get_by_label("姓名").fill("王小明")
    page.get_by_label("身份证号").fill(ID)
    page.get_by_label("手机号").fill("13912345678")
    page.get_by_role("button", name="登记").click()
    page.wait_for_url("**/sectors/sentinels/records/*/")
    assert "已登记，已生成哨点线索" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    record = SentinelRecord.objects.get(venue=pharmacy)
    assert (record.drug_class, record.quantity, record.reported_by) == (DrugClass.FEVER, 2, users["regulator"])
    assert record.person_id == known.leads[0].person_id
    assert Lead.objects.get(channel=Channel.SENTINEL).person_id == record.person_id
    context.close()
