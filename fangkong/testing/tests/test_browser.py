"""A real phone at a sampling site: scan a tube, bind ten people to one 10合1 tube, it seals;
the round's coverage page moves by ten once recomputed."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread
from django.test.utils import modify_settings

from fangkong.core.actions import SYSTEM
from fangkong.core.testkit import client_for, launch_chromium
from fangkong.testing.jobs import refresh_coverage
from fangkong.testing.models import CoverageRollup, Sample

from .conftest import present


@pytest.fixture
def shared_live_server(db):
    """A live server on the test's own connection, so it sees the session's synthetic county
    without a transactional flush (the same trick Django uses for in-memory SQLite)."""
    from django.core import signals
    from django.db import close_old_connections

    conn = connections["default"]
    conn.inc_thread_sharing()
    # Requests must not close the test's connection (on PostgreSQL it is inside a transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    thread = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override={"default": conn}, port=0)
    thread.daemon = True
    # The server closes "its" connections after each request and on exit: here that is ours.
    with modify_settings(ALLOWED_HOSTS={"append": "127.0.0.1"}), \
            mock.patch.object(ThreadedWSGIServer, "_close_connections", lambda self: None):
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        yield f"http://127.0.0.1:{thread.port}"
        with mock.patch.object(connections, "close_all", lambda: None):
            thread.terminate()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
    conn.dec_thread_sharing()


@pytest.mark.browser
def test_it_samples_ten_people_into_one_pooled_tube_on_a_phone(shared_live_server, users, site, rnd, village):
    from playwright.sync_api import expect, sync_playwright

    refresh_coverage(rnd, acting_user=SYSTEM)
    before = CoverageRollup.objects.get(round=rnd, division=village).sampled
    people = present(village, 10)
    session = client_for(users["village"]).cookies["sessionid"].value
    with sync_playwright() as p:
        browser = launch_chromium(p)
        ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
        ctx.add_cookies([{"name": "sessionid", "value": session, "url": shared_live_server}])
        page = ctx.new_page()
        page.goto(f"{shared_live_server}/testing/sites/{site.pk}/")
        code = page.locator("#code")
        expect(code).to_be_focused()
        page.locator("input[name=capacity][value='10']").check()
        code.fill("PHONE-0001")
        code.press("Enter")  # a scanner ends every read with Enter
        expect(page.locator("#tube-barcode")).to_have_text("PHONE-0001")
        for i, person in enumerate(people, start=1):
            expect(code).to_be_focused()
            code.fill(person.id_number)
            code.press("Enter")
            if i < 10:
                expect(page.locator("#tube-count")).to_have_text(f"{i}/10")
        expect(page.locator("#ok")).to_contain_text("自动封管")
        expect(page.locator("#no-tube")).to_be_visible()
        # The page fits a phone: nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        page.goto(f"{shared_live_server}/testing/rounds/{rnd.pk}/")
        expect(page.locator("#sampled")).to_have_text(str(before))
        page.locator("#refresh").click()
        expect(page.locator("#sampled")).to_have_text(str(before + 10))
        browser.close()
    tube = Sample.objects.get(barcode="PHONE-0001")
    assert tube.status == "sealed" and tube.members == 10 and tube.round == rnd
