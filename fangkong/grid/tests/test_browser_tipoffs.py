"""A real browser on a 375 px phone: a member of the public, not signed in and not giving a name,
reports a gathering with a photo (群众举报), keeps the receipt code, and looks it up: the status
shows, nothing personal does."""

from __future__ import annotations

import pytest

from fangkong.core.models import Division
from fangkong.core.testkit import launch_chromium

from ..models import TipOff

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 740}
WAIT_MS = 60_000
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def test_an_anonymous_member_of_the_public_reports_a_gathering_from_a_phone(restore_county, live_server, settings,
                                                                           tmp_path):
    from playwright.sync_api import sync_playwright

    settings.SCREENING_MIN_FORM_SECONDS = 0
    village = Division.objects.filter(level="village").order_by("path").first()
    photo = tmp_path / "scene.png"
    photo.write_bytes(PNG)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
            context.set_default_timeout(WAIT_MS)
            page = context.new_page()
            page.goto(f"{live_server.url}/grid/tipoff/")
            page.check("input[name=kind][value=gathering]")
            page.select_option("#id_division", str(village.pk))
            page.fill("#id_address", "文化广场东侧")
            page.fill("#id_what", "每晚三十多人跳广场舞，不戴口罩")
            page.set_input_files("#id_photo", str(photo))
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            with page.expect_navigation():
                page.click("button[type=submit]")
            assert page.url.endswith("/grid/tipoff/done/")
            code = page.locator("#receipt-code").inner_text().strip()
            assert len(code) == 10
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            with page.expect_navigation():
                page.locator("a[href='/grid/tipoff/status/']").first.click()
            assert page.url.endswith("/grid/tipoff/status/")
            page.fill("#id_code", code.lower())
            with page.expect_navigation():
                page.click("button[type=submit]")
            status = page.locator("#tipoff-status").inner_text()
            assert code in status and "待处理" in status and "聚集" in status
            assert "文化广场" not in page.content() and "广场舞" not in page.content()
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        finally:
            browser.close()
    tip = TipOff.objects.get(code=code)
    assert tip.division == village and tip.reporter_name == "" and tip.reporter_phone == ""
    assert tip.photo and tip.photo_type == "image/png" and tip.what == "每晚三十多人跳广场舞，不戴口罩"
