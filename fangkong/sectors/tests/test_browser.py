"""A real browser on a 375 px phone: a regulator finds a venue, answers its checklist and orders
a rectification with a deadline; the re-inspection task is due that day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from fangkong.core.testkit import launch_chromium
from fangkong.sectors.actions import current_checklist
from fangkong.sectors.choices import Finding, ReinspectionStatus
from fangkong.sectors.models import Inspection

from .factories import make_venue

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.mark.browser
def test_an_inspection_with_a_rectification_order_on_a_phone(restore_county, live_server, browser):
    from fangkong.core.testkit import named_users

    users = named_users()
    venue = make_venue(users["grid"].division, "ktv", name="测试量贩KTV")
    checklist = current_checklist(venue.sector)
    client = Client()
    client.force_login(users["regulator"])
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)

    page.goto(f"{live_server.url}/sectors/inspect/")
    page.fill("#q", "测试量贩")
    page.get_by_role("button", name="查找").click()
    page.locator("#found").get_by_role("link", name="测试量贩KTV").click()
    page.wait_for_url(f"**/sectors/venues/{venue.pk}/inspect/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for item in checklist.items.all():
        choice = "不符合" if item.text == "一米线" else "符合"
        page.get_by_role("group", name=f"{item.order}. {item.text}").get_by_label(choice, exact=True).check()
    page.get_by_label("责令整改", exact=True).check()
    page.fill("textarea[name=to_fix]", "收银台设置一米线")
    deadline = timezone.localdate() + dt.timedelta(days=3)
    page.fill("input[name=deadline]", deadline.isoformat())
    page.get_by_role("button", name="提交检查结果").click()
    page.wait_for_url("**/sectors/inspections/*/")
    assert "检查已记录" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    inspection = Inspection.objects.get(venue=venue)
    assert (inspection.finding, inspection.to_fix, inspection.deadline) == (Finding.RECTIFY, "收银台设置一米线", deadline)
    assert inspection.reinspection.status == ReinspectionStatus.DUE and inspection.reinspection.due_on == deadline
    context.close()
