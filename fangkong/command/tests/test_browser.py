"""A real browser on a 375 px phone: a township cadre acknowledges a dispatched task from 我的交办,
then files the day's zero report, chosen explicitly."""

from __future__ import annotations

import pytest
from django.test import Client

from fangkong.command.choices import TaskStatus
from fangkong.command.models import DailyReport
from fangkong.core.testkit import launch_chromium

from .factories import dispatch_to, township_unit

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.mark.browser
def test_a_township_cadre_acknowledges_a_task_and_files_a_zero_report_on_a_phone(restore_county, live_server, browser):
    from fangkong.core.testkit import named_users

    users = named_users()
    town = township_unit(users["township"].division)
    task = dispatch_to(town, title="落实返乡人员排查", acting_user=users["commander"]).tasks.get()
    client = Client()
    client.force_login(users["township"])
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)

    page.goto(f"{live_server.url}/command/my/")
    assert "落实返乡人员排查" in page.content()
    page.get_by_role("button", name="签收").click()
    page.wait_for_url("**/command/my/")
    assert "已签收" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    task.refresh_from_db()
    assert task.status == TaskStatus.ACKNOWLEDGED

    page.goto(f"{live_server.url}/command/reports/file/")
    page.get_by_role("button", name="报送").click()  # neither chosen: refused, nothing assumed
    assert not DailyReport.objects.filter(unit=town).exists()
    page.get_by_label("零报告（当日无情况）").check()
    page.get_by_role("button", name="报送").click()
    page.wait_for_url("**/command/reports/*/")
    assert "日报已报送" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert DailyReport.objects.get(unit=town).nothing_to_report
    context.close()


@pytest.mark.browser
def test_a_duty_officer_on_a_phone_sees_who_is_on_duty_and_files_the_daily_report(restore_county, live_server, browser):
    import datetime as dt

    from django.utils import timezone

    from fangkong.core.choices import Role
    from fangkong.core.testkit import named_users

    from .factories import centre_office, person, shift

    users = named_users()
    cadre = users["township"]
    town = township_unit(cadre.division)
    office = centre_office(users["commander"].division)
    start = (timezone.localtime() - dt.timedelta(hours=1)).replace(second=0, microsecond=0)
    leader = person("duty_leader_b", users["commander"].division, Role.COMMAND_CENTER, "13911112222")
    officer = person("duty_officer_b", users["commander"].division, Role.COMMAND_CENTER, "13933334444")
    shift(office, start.date(), start.time(), start.time(), leader=leader, officer=officer)
    shift(town, start.date(), start.time(), start.time(), officer=cadre)
    client = Client()
    client.force_login(cadre)
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)

    page.goto(f"{live_server.url}/command/duty/")
    assert office.name in page.content() and "duty_officer_b姓名" in page.content()
    call = page.locator('a[href="tel:13933334444"]')
    assert call.count() == 1 and call.is_visible()
    box = call.bounding_box()
    assert box is not None and box["height"] >= 24 and box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert "我的值班" in page.content()  # the cadre's own shift

    page.goto(f"{live_server.url}/command/reports/file/")
    page.get_by_label("有情况报告", exact=True).check()
    page.locator("textarea[name=content]").fill("值班期间接群众来电1起，已转村核实")
    page.get_by_role("button", name="报送").click()
    page.wait_for_url("**/command/reports/*/")
    assert "日报已报送" in page.content()
    report = DailyReport.objects.get(unit=town)
    assert report.filed_by == cadre and "群众来电" in report.content
    context.close()
