"""A real browser on a 375 px phone, the offline app (离线填报): a grid worker sweeps five households
— one tap per member where nothing changed, one risk answer — two of them with the network cut
(the page reloaded from the service worker's cache, the answers queued in IndexedDB with a count
on screen); after reconnecting every answer is on the server exactly once and the risk is one lead.
Logging out then leaves nothing on the phone."""

from __future__ import annotations

import json

import pytest

from fangkong.core.testkit import launch_chromium

from ..choices import OfflineResult, VisitStatus
from ..models import MemberAnswer, OfflineSubmission
from . import factories as F
from .test_browser import PHONE, WAIT_MS, _session_cookie

pytestmark = pytest.mark.browser


def _walk(page, sweep, household, members, risky):
    page.goto(page.url.split("#")[0] + "#/")  # home, from the page at hand (no request)
    page.click(f"#view >> text={sweep.name}")
    page.click(f"#view .households >> text={household.address}")
    for m in members:
        card = page.locator(f"#member-{m.pk}")
        if m == risky:
            card.locator("summary").click()
            page.check(f"#q-{m.pk}-symptoms")
            card.locator("details button[type=submit]").click()
        else:
            card.locator("button[name=unchanged]").click()  # one tap
        page.locator(f"#member-{m.pk} .ok").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _pending(page, n):
    try:
        page.wait_for_function(f"document.getElementById('pending-badge').textContent.includes('待上传 {n} 条')",
                               timeout=30_000)
    except Exception as exc:
        seen = page.evaluate("[document.getElementById('pending-badge').textContent, "
                             "document.getElementById('problem').textContent]")
        raise AssertionError(f"waiting for {n} pending, the page shows {seen}") from exc


def test_a_grid_worker_sweeps_five_households_two_without_signal(restore_county, live_server):
    from playwright.sync_api import sync_playwright

    from fangkong.core.models import AuditLog
    from fangkong.core.testkit import named_users
    from fangkong.screening.choices import Channel
    from fangkong.screening.models import Lead

    users = named_users()
    worker, grid = users["grid"], users["grid"].division
    homes = [F.household_with(grid, 2) for _ in range(5)]
    sweep = F.sweep(grid, acting_user=users["commander"])
    risky = homes[2][1][1]
    visits = [F.visit_of(sweep, h) for h, _m in homes]
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
            context.set_default_timeout(WAIT_MS)
            context.add_cookies([_session_cookie(worker, live_server)])
            page = context.new_page()
            page.on("console", lambda m: print("console:", m.text))
            page.on("pageerror", lambda e: print("pageerror:", e))
            page.goto(f"{live_server.url}/grid/offline/")
            page.wait_for_selector("#offline-app[data-ready='1']")
            page.wait_for_function("navigator.serviceWorker.controller !== null")  # the shell is kept
            for household, members in homes[:2]:
                _walk(page, sweep, household, members, risky)
            _pending(page, 0)
            assert MemberAnswer.objects.filter(visit__in=visits[:2]).count() == 4

            context.set_offline(True)
            page.reload()  # no signal: the page comes from the service worker, the data from IndexedDB
            page.wait_for_selector("#offline-app[data-ready='1']")
            assert "无网络" in page.inner_text("#net-state")
            for household, members in homes[2:4]:
                _walk(page, sweep, household, members, risky)
            _pending(page, 4)
            assert not MemberAnswer.objects.filter(visit__in=visits[2:4]).exists()  # still on the phone

            context.set_offline(False)  # back online: the queue goes on its own
            _pending(page, 0)
            _walk(page, sweep, *homes[4], risky)
            _pending(page, 0)
            assert page.locator("#conflicts").is_hidden()

            # A replay of a sent answer (a phone that never heard the reply) changes nothing.
            sent = OfflineSubmission.objects.filter(user=worker).order_by("at").first()
            target = MemberAnswer.objects.get(pk=sent.object_id)
            replay = page.evaluate("""async ([url, body]) => {
                const csrf = document.cookie.match(/csrftoken=([^;]+)/)[1];
                const r = await fetch(url, {method: "POST", body, headers: {"Content-Type": "application/json", "X-CSRFToken": csrf}});
                return [r.status, await r.json()];
            }""", ["/grid/offline/answers/", json.dumps({"key": str(sent.key), "kind": sent.kind, "target": sent.target_id,
                                                        "resident": target.resident_id, "unchanged": True})])
            assert replay[0] == 200 and replay[1]["replayed"] and replay[1]["object_id"] == target.pk

            page.click("header form.inline button.link >> text=退出")  # logging out wipes the phone
            page.wait_for_url("**/accounts/login/?logged_out=1")
            page.wait_for_function("document.documentElement.dataset.wiped === '1'")
            left = page.evaluate("""async () => [
                (await indexedDB.databases()).map(d => d.name), await caches.keys(),
                (await navigator.serviceWorker.getRegistrations()).length]""")
            assert left == [[], [], 0]
        finally:
            browser.close()
    answers = MemberAnswer.objects.filter(visit__in=visits)
    assert answers.count() == 10 and answers.filter(unchanged=True).count() == 9
    assert answers.values("visit", "resident").distinct().count() == 10
    assert {a.visit.status for a in answers.select_related("visit")} == {VisitStatus.VISITED}
    assert AuditLog.objects.filter(verb="record_member", object_id__in=[str(a.pk) for a in answers]).count() == 10
    subs = OfflineSubmission.objects.filter(user=worker)
    assert subs.count() == 10 and set(subs.values_list("result", flat=True)) == {OfflineResult.DONE}
    lead = answers.get(risk=True).lead
    assert lead is not None and Lead.objects.filter(person=lead.person, channel=Channel.GRID_SCREENING).count() == 1


def test_an_answer_the_server_could_not_take_is_sent_again_on_its_own(restore_county, live_server):
    """A busy server (503) keeps the answer on the phone with "稍后自动重试" — and it is retried
    with nobody touching the phone (a CI run once waited for a reload or a signal change that
    never came)."""
    from playwright.sync_api import sync_playwright

    from fangkong.core.testkit import named_users

    users = named_users()
    worker, grid = users["grid"], users["grid"].division
    household, members = F.household_with(grid, 1)
    sweep = F.sweep(grid, acting_user=users["commander"])
    visit = F.visit_of(sweep, household)
    refused: list[str] = []

    def busy_once(route):
        if refused:
            route.continue_()
            return
        refused.append(route.request.url)
        route.fulfill(status=503, content_type="application/json", body=json.dumps({"detail": "系统繁忙，请稍后再试"}))

    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            # no service worker: Playwright's routing sees only the page's own requests
            context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN",
                                          service_workers="block")
            context.set_default_timeout(WAIT_MS)
            context.add_cookies([_session_cookie(worker, live_server)])
            page = context.new_page()
            page.route("**/grid/offline/answers/", busy_once)
            page.goto(f"{live_server.url}/grid/offline/")
            page.wait_for_selector("#offline-app[data-ready='1']")
            _walk(page, sweep, household, members, None)
            page.wait_for_function("document.getElementById('problem').textContent.includes('系统繁忙')")
            _pending(page, 0)
        finally:
            browser.close()
    assert len(refused) == 1 and MemberAnswer.objects.filter(visit=visit).count() == 1
