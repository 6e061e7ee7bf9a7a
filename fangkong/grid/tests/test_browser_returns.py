"""A real browser on a 375 px phone: a member of the public, not signed in, files a return report
(返县报备) from a high-risk area and reads, on the receipt, what they must do on arrival under the
policy in force; the report reaches the grid worker's list with the same instructions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.control.choices import RiskLevel
from fangkong.control.tests.factories import area, standard_policy
from fangkong.core.models import Division
from fangkong.core.testkit import launch_chromium

from ..models import ReturnReport

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 740}
WAIT_MS = 120_000


def test_a_member_of_the_public_files_a_return_report_and_sees_what_to_do(restore_county, live_server, settings):
    from playwright.sync_api import sync_playwright

    settings.SCREENING_MIN_FORM_SECONDS = 0
    area(RiskLevel.HIGH, timezone.localdate() - dt.timedelta(days=2))  # 河北省石家庄市藁城区
    standard_policy()
    village = Division.objects.filter(level="village").order_by("path").first()
    arrive = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT15:30")
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
            context.set_default_timeout(WAIT_MS)
            page = context.new_page()
            page.goto(f"{live_server.url}/grid/return/")
            assert page.locator("#pi-notice").is_visible()
            page.fill("#id_phone", "13700005555")
            page.fill("#id_name", "孙返乡")
            page.fill("#id_province", "河北省")
            page.fill("#id_city", "石家庄市")
            page.fill("#id_county", "藁城区")
            page.fill("#id_route", "G4高速自驾")
            page.fill("#id_arrive_at", arrive)
            page.select_option("#id_division", str(village.pk))
            page.fill("#id_address", "村东头5号")
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            page.check("#id_consent")
            with page.expect_navigation():
                page.click("button[type=submit]")
            assert page.url.endswith("/grid/return/done/")
            code = page.locator("#receipt-code").inner_text()
            todo = page.locator("#instructions").inner_text()
            assert "高风险区" in todo and "点对点闭环转运至集中隔离点" in todo and "集中隔离7天" in todo
            assert "7天5检" in todo
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        finally:
            browser.close()
    report = ReturnReport.objects.get(code=code)
    assert report.name == "孙返乡" and report.division == village and report.risk_level == "high"
    assert report.route == "G4高速自驾"
