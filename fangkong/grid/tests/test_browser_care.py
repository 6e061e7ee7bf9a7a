"""A real browser on a 375 px phone: a grid worker opens 我的居家人员, records a normal door check
in one tap and an abnormal supplies check through the form; the due times move on and the
abnormal one alerts the command centre."""

from __future__ import annotations

import pytest

from fangkong.core.testkit import launch_chromium

from ..choices import CareItem, CareRole, CheckResult
from ..models import CareCheck
from . import factories_care as F
from .test_browser import PHONE, WAIT_MS, _session_cookie

pytestmark = pytest.mark.browser


def test_a_team_member_records_checks_on_a_phone(restore_county, live_server):
    from playwright.sync_api import sync_playwright

    from fangkong.core.models import Notification
    from fangkong.core.testkit import named_users

    users = named_users()
    worker = users["grid"]
    team = F.team(worker.division)
    door = team.duties.get(member__role=CareRole.GRID_WORKER, item=CareItem.DOOR)
    supplies = team.duties.get(member__role=CareRole.GRID_WORKER, item=CareItem.SUPPLIES)
    due_before = door.due_at
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
            context.set_default_timeout(WAIT_MS)
            context.add_cookies([_session_cookie(worker, live_server)])
            page = context.new_page()
            page.goto(f"{live_server.url}/grid/care/my/")
            assert page.locator(f"#team-{team.pk}", has_text=team.person.name).count() == 1
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            with page.expect_navigation():
                page.locator(f"#duty-{door.pk} button[name=normal]").click()  # one tap
            assert page.locator(".messages, .message, [role=status], body", has_text="正常").count() >= 1
            page.locator(f"#duty-{supplies.pk} a", has_text="异常").click()
            page.wait_for_url(f"**/grid/care/duties/{supplies.pk}/check/")
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            page.fill("#id_note", "米面油不足，需村里送菜")
            with page.expect_navigation():
                page.locator("form button[type=submit]").click()
            page.wait_for_url("**/grid/care/my/")
        finally:
            browser.close()
    door.refresh_from_db()
    assert door.due_at > due_before and door.last_at is not None
    abnormal = CareCheck.objects.get(duty=supplies)
    assert abnormal.result == CheckResult.ABNORMAL and abnormal.by == worker and "送菜" in abnormal.note
    assert CareCheck.objects.get(duty=door).result == CheckResult.NORMAL
    assert Notification.objects.filter(kind="alert", user=users["commander"], title__contains="居家管控人员异常").exists()
