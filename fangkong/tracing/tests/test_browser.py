"""A real browser on a laptop (1366 × 768): the epidemiologist records an itinerary during a phone
interview — two segments, the overlap flagged — names a close contact met at one of them, and sees
the contact with the plan the protocol gives, pushed for verification."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from fangkong.core.testkit import launch_chromium
from fangkong.screening.choices import Channel
from fangkong.screening.models import Lead

from ..models import Contact, Segment
from . import factories as F

LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.mark.browser
def test_an_epidemiologist_records_an_itinerary_and_sees_the_contacts(restore_county, live_server, browser):
    from fangkong.core.testkit import named_users

    users = named_users()
    case = F.open_case(users["grid"].division, name="测试病例甲")
    client = Client()
    client.force_login(users["cdc"])
    context = browser.new_context(locale="zh-CN", viewport=LAPTOP)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)

    page.goto(f"{live_server.url}/tracing/investigations/{case.investigation.pk}/")
    assert "到达现场" in page.locator("#milestones").inner_text()
    day = case.look_back_from + dt.timedelta(days=1)
    form = page.locator("#segment-form")
    for start, end, place in (("09:00", "10:30", "好又多超市"), ("10:00", "11:00", "人民公园")):
        form.locator("input[name=on]").fill(day.isoformat())
        form.locator("input[name=start]").fill(start)
        form.locator("input[name=end]").fill(end)
        form.locator("input[name=place]").fill(place)
        form.locator("select[name=evidence]").select_option(label="场所码")
        form.get_by_role("button", name="添加轨迹").click()
        page.wait_for_url("**#itinerary")
        form = page.locator("#segment-form")
    table = page.locator("#itinerary-table").inner_text()
    assert "好又多超市" in table and "人民公园" in table and "时间重叠" in table
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]

    park = Segment.objects.get(investigation=case.investigation, place="人民公园")
    contact_form = page.locator("#contact-form")
    contact_form.locator("select[name=category]").select_option(label="密切接触者")
    contact_form.locator("input[name=name]").fill("同游者乙")
    contact_form.locator("input[name=phone]").fill("13912345678")
    contact_form.locator("select[name=segment]").select_option(value=str(park.pk))
    contact_form.locator("input[name=last_exposure_at]").fill(f"{day.isoformat()}T11:00")
    contact_form.get_by_role("button", name="判定并推送核查").click()
    page.wait_for_url("**#contacts")

    contacts = page.locator("#contact-table").inner_text()
    start = day + dt.timedelta(days=1)
    assert "同游者乙" in contacts and "人民公园" in contacts and "第九版" in contacts
    assert f"{start:%m-%d}起" in contacts and "已推送核查" in contacts
    contact = Contact.objects.get(phone="13912345678")
    assert contact.segment == park and contact.plan.plan_start_on == start
    assert Lead.objects.get(pk=contact.lead_id).channel == Channel.CLOSE_CONTACT
    context.close()
