"""A real browser: the CDC runs co-presence on a laptop from the 发起研判 page; the person found
co-present, a resident of a grid, is a co_presence lead that the grid worker finds on a 375 px
phone among their tasks, with the reason in the lead's note (issue #14)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.core.testkit import launch_chromium
from fangkong.screening.choices import Channel
from fangkong.screening.models import Lead
from fangkong.screening.tests.helpers import resident_of_grid
from fangkong.screening.tests.test_browser import _session_cookie

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 740}
WAIT_MS = 120_000
INDEX = "13800000009"


def _records(tmp_path, resident_phone: str, day: dt.date):
    """The index person and the resident in one cell for 40 minutes; someone else elsewhere."""
    from fangkong.tracing.copresence_import import LOCATIONS, import_path

    path = tmp_path / "位置.csv"
    rows = [(INDEX, "G777", "09:00", "10:00"), (resident_phone, "G777", "09:20", "11:00"),
            ("13900000077", "G778", "09:00", "10:00")]
    path.write_text("手机号码,网格编号,进入时间,离开时间\n" + "".join(
        f"{p},{cell},{day} {a},{day} {b}\n" for p, cell, a, b in rows), encoding="utf-8")
    batch = import_path(LOCATIONS, path)
    assert (batch.status, batch.imported) == ("done", 3), batch.message


def test_the_cdc_runs_co_presence_and_the_grid_worker_finds_the_lead(restore_county, live_server, tmp_path):
    from playwright.sync_api import sync_playwright

    from fangkong.core.testkit import named_users

    users = named_users()
    resident = resident_of_grid(users["grid"].division, 5)
    day = timezone.localdate() - dt.timedelta(days=1)
    _records(tmp_path, resident.phone, day)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            cdc = browser.new_context(viewport=LAPTOP)
            cdc.set_default_timeout(WAIT_MS)
            cdc.add_cookies([_session_cookie(users["cdc"], live_server)])
            page = cdc.new_page()
            page.goto(f"{live_server.url}/tracing/copresence/runs/new/")
            page.fill("[name=phones]", INDEX)
            page.fill("[name=starts_on]", str(day))
            page.fill("[name=ends_on]", str(day))
            page.click("form button[type=submit] >> nth=-1")
            page.wait_for_load_state()
            assert "/tracing/copresence/runs/" in page.url and "已完成" in page.inner_text("main"), page.url
            assert "重叠40分钟" in page.inner_text("main")

            lead = Lead.objects.get(channel=Channel.CO_PRESENCE, phone=resident.phone)
            assert lead.person_id and "时空伴随" in lead.note and "G777" in lead.note
            assert lead.division_id == resident.grid_id  # routed by the resident's phone

            worker = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
            worker.set_default_timeout(WAIT_MS)
            worker.add_cookies([_session_cookie(users["grid"], live_server)])
            tasks = worker.new_page()
            tasks.goto(f"{live_server.url}/screening/my/")
            # A location record carries a phone only: the task shows the channel and the masked phone
            task = tasks.locator(".task", has_text="时空伴随").filter(has_text=resident.phone[-4:])
            assert task.count() == 1, tasks.inner_text("main")[:2000]
            assert tasks.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            task.locator("a").first.click()
            tasks.wait_for_load_state()
            # The lead says why: its channel, the cell, and with whom and how long it overlapped.
            why = tasks.locator("#task-leads").inner_text()
            assert "时空伴随" in why and "网格G777重叠40分钟" in why, why
        finally:
            browser.close()
