"""A real browser on a 375 px phone: a member of the public self-reports; the lead reaches the
right grid worker, who calls and records an outcome; a reviewer approves; the board's numbers move."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache

from fangkong.core.testkit import launch_chromium

from .helpers import resident_of_grid

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 740}
WAIT_MS = 120_000




def _session_cookie(user, live_server) -> dict:
    store = SessionStore()
    store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return {"name": django_settings.SESSION_COOKIE_NAME, "value": store.session_key, "url": live_server.url}


def _stat(page, metric: str) -> int:
    return int(page.locator(f'#totals [data-metric="{metric}"]').inner_text())


def test_it_goes_from_self_report_to_approved_control(restore_county, live_server, settings):
    from playwright.sync_api import sync_playwright

    from fangkong.core.testkit import named_users

    settings.SCREENING_MIN_FORM_SECONDS = 0
    cache.clear()  # the self-report rate limit counts per address
    users = named_users()
    r = resident_of_grid(users["grid"].division, 4)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        # Generous waits: the shared CI machine is often busy; nothing here is timed.
        try:
            commander = browser.new_context(viewport=PHONE)
            commander.set_default_timeout(WAIT_MS)
            commander.add_cookies([_session_cookie(users["commander"], live_server)])
            board = commander.new_page()
            board.goto(f"{live_server.url}/screening/board/")
            before = {m: _stat(board, m) for m in ("received", "verified", "controlled")}

            public_context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
            public_context.set_default_timeout(WAIT_MS)
            public = public_context.new_page()
            public.goto(f"{live_server.url}/screening/report/")
            assert public.locator("#pi-notice").is_visible()
            public.fill("#id_phone", r.phone)
            public.fill("#id_name", r.name)
            public.fill("#id_id_number", r.id_number)
            public.fill("#id_origin", "北京市朝阳区")
            public.fill("#id_address", r.address)
            public.check("#id_consent")
            public.click("button[type=submit]")
            public.wait_for_load_state()
            assert public.locator("#receipt-code").count() == 1, public.content()[:3000]
            code = public.locator("#receipt-code").inner_text()
            assert len(code) == 8
            assert public.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

            worker = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
            worker.set_default_timeout(WAIT_MS)
            worker.add_cookies([_session_cookie(users["grid"], live_server)])
            tasks = worker.new_page()
            tasks.goto(f"{live_server.url}/screening/my/")
            call_form = tasks.locator(".task", has_text=r.name).locator("form:has(button.call)")
            assert call_form.get_attribute("action").endswith("/call/") and call_form.get_attribute("method") == "post"
            tasks.click(f"text={r.name}")
            tasks.select_option("#attempt-form select[name=kind]", "called")
            tasks.fill("#attempt-form input[name=note]", "本人接听,已在家")
            tasks.click("#attempt-form button")
            tasks.select_option("#outcome-form select[name=outcome]", "controlled")
            tasks.select_option("#outcome-form select[name=measure_kind]", "home_isolation")
            tasks.click("#outcome-form button")
            assert tasks.locator("#task-status").inner_text() == "待审核"
            task_url = tasks.url

            reviewer = browser.new_context(viewport=PHONE)
            reviewer.set_default_timeout(WAIT_MS)
            reviewer.add_cookies([_session_cookie(users["self_report_reviewer"], live_server)])
            review = reviewer.new_page()
            review.goto(task_url)
            review.select_option("#review-form select[name=decision]", "approved")
            review.click("#review-form button")
            assert review.locator("#task-status").inner_text() == "已办结"

            board.reload()
            after = {m: _stat(board, m) for m in ("received", "verified", "controlled")}
            assert after == {m: before[m] + 1 for m in before}
            board.click('#totals [data-metric="controlled"]')
            assert r.name in board.content()
        finally:
            browser.close()
