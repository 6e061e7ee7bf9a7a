"""Real browser: an admin changes a policy, previews, publishes; a site manager assigns a room;
a person is released after negative tests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from fangkong.core.choices import MeasureKind
from fangkong.core.testkit import launch_chromium

from ..choices import ContactType, MeasureStatus, PolicyStatus
from ..models import Measure, PolicyVersion
from . import factories as F


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


def page_for(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="zh-CN")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


@pytest.mark.browser
def test_it_runs_policy_room_and_release_in_a_browser(restore_county, live_server, browser):
    from fangkong.core.testkit import named_users

    users = named_users()
    today = timezone.localdate()
    v1 = F.standard_policy()
    site = F.site("县宾馆隔离点", rooms=3)
    site.staff.add(users["site"])
    contact = F.start(F.person(), today, contact_type=ContactType.CLOSE_CONTACT, site=site)
    ready = F.start(F.person(), today - dt.timedelta(days=7), kind=MeasureKind.HOME_MONITORING)

    # 1. The CDC changes the close-contact rule in a new draft, previews and publishes it.
    page = page_for(browser, live_server, users["cdc"])
    page.goto(f"{live_server.url}/control/policies/")
    page.click("#new-draft")
    page.wait_for_url("**/control/policies/*/")
    page.locator("#rules tr", has_text="密接").get_by_role("link", name="修改").click()
    page.select_option("select[name=steps-0-kind]", MeasureKind.CENTRAL_QUARANTINE)
    page.fill("input[name=steps-0-days]", "14")
    page.select_option("select[name=steps-1-kind]", "")
    page.fill("input[name=steps-1-days]", "")
    page.click("#save-rule")
    page.wait_for_url("**/control/policies/*/")
    assert "集中隔离14天" in page.locator("#rules").inner_text()
    page.click("#preview")
    assert page.locator("#changed-total").inner_text() == "1"
    assert "集中隔离 → 集中隔离(天数变化):1" in page.locator("#summary").inner_text()
    page.check("input[name=reapply]")
    page.click("#publish")
    page.wait_for_url("**/control/policies/*/")
    draft = PolicyVersion.objects.get(number=2)
    assert draft.status == PolicyStatus.PUBLISHED and PolicyVersion.objects.get(pk=v1.pk).status == PolicyStatus.RETIRED
    moved = Measure.objects.get(previous=contact)
    assert (moved.policy_version, moved.ends_on) == (draft, today + dt.timedelta(days=14))

    # 2. The site manager gives the waiting person a room.
    page = page_for(browser, live_server, users["site"])
    page.goto(f"{live_server.url}/control/sites/{site.pk}/")
    page.select_option("select[name=room]", label="102")
    page.get_by_role("button", name="分配房间").click()
    page.wait_for_url(f"**/control/sites/{site.pk}/")
    assert "没有待分配房间的人员" in page.content()
    moved.refresh_from_db()
    assert moved.room.number == "102"
    assert page.locator("#free-now").inner_text() == "2"

    # 3. The command centre records the negative tests and releases a person whose period is over.
    page = page_for(browser, live_server, users["commander"])
    page.goto(f"{live_server.url}/control/measures/{ready.pk}/")
    page.click("#release")
    assert "尚无结果" in page.locator(".messages").inner_text()
    for _ in range(ready.tests.count()):
        page.locator("#tests tr", has=page.locator("select")).first.get_by_role("button", name="录入结果").click()
        page.wait_for_load_state()
    assert "检测均为阴性" in page.content()
    page.click("#release")
    page.wait_for_load_state()
    assert "已解除" in page.locator(".messages").inner_text()
    ready.refresh_from_db()
    assert ready.status == MeasureStatus.RELEASED
    import os
    if os.environ.get("CONTROL_SHOTS"):
        page.set_viewport_size({"width": 375, "height": 1400})
        for name, url in (("measure", f"/control/measures/{moved.pk}/"), ("dashboard", "/control/"),
                          ("sites", "/control/sites/"), ("preview", f"/control/policies/{draft.pk}/preview/")):
            page.goto(live_server.url + url)
            page.screenshot(path=f"/tmp/control-{name}.png", full_page=True)
