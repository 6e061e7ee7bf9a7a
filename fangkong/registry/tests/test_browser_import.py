"""Real-browser test of 台账导入 on a 375 px phone: upload, check the mapping, see the bad rows."""

from __future__ import annotations

import io

import openpyxl
import pytest

from fangkong.core.testkit import ensure_test_county, launch_chromium
from fangkong.registry.generator import DEMO_PASSWORD

from .test_import_residents import new_id

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("restore_county")]


@pytest.fixture
def phone(live_server, settings, tmp_path):
    from django.db import connections
    from playwright.sync_api import sync_playwright

    settings.MEDIA_ROOT = tmp_path
    ensure_test_county()
    with sync_playwright() as p:
        browser = launch_chromium(p)
        context = browser.new_context(viewport={"width": 375, "height": 812})
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        connections.close_all()  # the greenlet's own connection, or PostgreSQL cannot drop the database
        context.close()
        browser.close()


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_it_imports_a_ledger_from_a_phone(phone, live_server):
    from fangkong.core.models import User
    from fangkong.registry.models import Resident

    grid = User.objects.get(username="grid").division
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["某村常住人口台账"])
    sheet.append(["姓名", "公民身份号码", "手机号", "网格编号"])
    sheet.append(["张建国", new_id(61), "13800000061", grid.code])
    sheet.append(["李坏号", "650102198503010000", "", grid.code])
    content = io.BytesIO()
    book.save(content)

    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("#id_username", "grid")
    phone.fill("#id_password", DEMO_PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/registry/import/")
    assert _fits(phone)
    phone.set_input_files("#id_file", files=[{"name": "台账.xlsx", "mimeType": "application/octet-stream",
                                              "buffer": content.getvalue()}])
    phone.get_by_role("button", name="上传并识别表头").click()
    phone.get_by_text("表头在第2行").wait_for()
    assert phone.locator("#id_id_number option:checked").inner_text() == "公民身份号码"
    assert _fits(phone)
    phone.get_by_role("button", name="开始导入").click()
    phone.get_by_role("heading", name="导入结果").wait_for()
    assert "身份证号校验码错误" in phone.content()
    assert phone.get_by_role("link", name="下载错误行(xlsx)").is_visible()
    assert _fits(phone)
    assert Resident.objects.filter(id_number=new_id(61), grid=grid).exists()
