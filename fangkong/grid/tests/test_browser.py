"""A real browser on a 375 px phone: a grid worker sweeps five households — one tap per member
where nothing changed, one risk answer — and the risk is a lead on their own task list."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from fangkong.core.testkit import launch_chromium

from ..choices import VisitStatus
from ..models import MemberAnswer
from . import factories as F

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 740}
WAIT_MS = 120_000


def _session_cookie(user, live_server) -> dict:
    store = SessionStore()
    store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return {"name": django_settings.SESSION_COOKIE_NAME, "value": store.session_key, "url": live_server.url}


def test_a_grid_worker_sweeps_five_households_on_a_phone(restore_county, live_server):
    from playwright.sync_api import sync_playwright

    from fangkong.core.testkit import named_users
    from fangkong.screening.models import Verification

    users = named_users()
    worker, grid = users["grid"], users["grid"].division
    homes = [F.household_with(grid, 2) for _ in range(5)]
    sweep = F.sweep(grid, acting_user=users["commander"])
    risky = homes[2][1][1]
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
            context.set_default_timeout(WAIT_MS)
            context.add_cookies([_session_cookie(worker, live_server)])
            page = context.new_page()
            page.goto(f"{live_server.url}/grid/my/")
            page.click(f"text={sweep.name}")
            page.wait_for_url(f"**/grid/sweeps/{sweep.pk}/mine/")
            for household, members in homes:
                page.click(f"text={household.address}")
                page.wait_for_url("**/grid/visits/*/")
                assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
                for m in members:
                    card = page.locator(f"#member-{m.pk}")
                    if m == risky:
                        card.locator("summary").click()
                        page.check(f"#id_m{m.pk}-q_symptoms")
                        with page.expect_navigation():
                            card.locator("details button[type=submit]").click()
                    else:
                        with page.expect_navigation():
                            card.locator("button[name=unchanged]").click()  # one tap
                    assert page.locator(f"#member-{m.pk} .ok").count() == 1
                page.goto(f"{live_server.url}/grid/sweeps/{sweep.pk}/mine/")
            assert all(page.locator(f"text={h.address}").count() == 0 for h, _m in homes)  # none left to walk
            tasks = context.new_page()
            tasks.goto(f"{live_server.url}/screening/my/")
            assert tasks.locator(".task", has_text=risky.name).count() == 1
        finally:
            browser.close()
    answers = MemberAnswer.objects.filter(visit__sweep=sweep, visit__household__in=[h for h, _m in homes])
    assert answers.count() == 10 and answers.filter(unchanged=True).count() == 9
    assert {a.visit.status for a in answers.select_related("visit")} == {VisitStatus.VISITED}
    lead = answers.get(risk=True).lead
    assert Verification.objects.get(person=lead.person).assignee == worker
