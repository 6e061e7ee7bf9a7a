"""Real-browser tests (Playwright + Debian chromium) of the interface shell on a 375 px phone.

live_server makes these tests transactional: the database is flushed after each one, so the
`county` fixture here rebuilds the synthetic county when it is missing, and the module
fixture leaves it in place for the tests that run after this module.
"""

from __future__ import annotations

import pytest

from fangkong.core.testkit import ensure_test_county, launch_chromium
from fangkong.registry.generator import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("restore_county")]


@pytest.fixture
def phone(live_server):
    from django.db import connections
    from playwright.sync_api import sync_playwright

    ensure_test_county()
    with sync_playwright() as p:
        browser = launch_chromium(p)
        # An English-language browser: the platform must still open in Chinese.
        context = browser.new_context(viewport={"width": 375, "height": 812}, locale="en-US")
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        # Playwright's greenlet gives the test body its own context, hence its own database
        # connection; close it here or PostgreSQL cannot drop the test database afterwards.
        connections.close_all()
        context.close()
        browser.close()


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_it_lets_a_grid_worker_find_their_residents_and_nobody_elses(phone, live_server):
    from fangkong.core.models import User
    from fangkong.core.pii import mask_id_number
    from fangkong.registry.models import Resident

    worker = User.objects.get(username="grid")
    own = Resident.objects.filter(grid=worker.division).exclude(id_number=None).first()
    other = Resident.objects.filter(grid=User.objects.get(username="grid_other").division).exclude(id_number=None).first()

    _login(phone, live_server.url, "grid")
    assert phone.locator("h1").inner_text() == "工作台"
    assert _fits(phone)
    phone.fill("#q", own.id_number[-4:])
    phone.press("#q", "Enter")
    results = phone.locator("#results")
    results.get_by_text(own.name).first.wait_for()
    assert mask_id_number(own.id_number) in results.inner_text()
    assert own.id_number not in results.inner_text()
    assert _fits(phone)

    phone.fill("#q", other.id_number)
    phone.press("#q", "Enter")
    phone.get_by_text("在您的管辖范围内没有找到匹配的人员").wait_for()
    assert other.name not in phone.locator("#results").inner_text()

    # The detail page reveals the full number on request (htmx) and logs it.
    phone.goto(f"{live_server.url}/registry/residents/{own.pk}/")
    assert own.id_number not in phone.content()
    phone.get_by_role("button", name="显示完整").click()
    phone.get_by_text(own.id_number).wait_for()
    assert _fits(phone)
    from fangkong.core.models import AuditLog

    assert AuditLog.objects.filter(action="view_pii", actor=worker, object_id=str(own.pk)).exists()


def test_it_switches_between_chinese_and_english(phone, live_server):
    _login(phone, live_server.url, "village")
    assert phone.locator("html").get_attribute("lang") == "zh-hans"
    phone.get_by_role("button", name="English").click()
    phone.wait_for_load_state()
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.locator("h1").inner_text() == "Workbench"
    phone.goto(f"{live_server.url}/registry/divisions/")
    assert phone.locator("h1").inner_text() == "Divisions"
    assert "Households" in phone.content()
    assert _fits(phone)
    phone.get_by_role("button", name="中文").click()
    phone.wait_for_load_state()
    assert phone.locator("h1").inner_text() == "区划浏览"
