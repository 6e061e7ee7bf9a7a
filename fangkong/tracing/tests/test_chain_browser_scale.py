"""A real browser on a laptop: a chain of 1,000 cases is drawn on one canvas (no DOM per case),
in each of its three views, without a script error. Its own module: live-server tests flush the
county, which `restore_county` puts back once per module."""

from __future__ import annotations

import pytest
from django.test import Client

from fangkong.core.testkit import launch_chromium

LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.mark.browser
def test_a_chain_of_a_thousand_cases_draws_on_one_canvas(restore_county, live_server, browser, tmp_path):
    import random

    from fangkong.core.testkit import named_users

    from . import factories as F
    from .test_chains import _bulk_chain

    users = named_users()
    F.activate()
    _bulk_chain(users["grid"].division, 1000, random.Random(7))
    client = Client()
    client.force_login(users["cdc"])
    context = browser.new_context(locale="zh-CN", viewport=LAPTOP)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_default_timeout(30000)
    page.goto(f"{live_server.url}/tracing/chains/")
    page.wait_for_function("window.fkChain && window.fkChain.ready")
    assert "病例 1000" in page.locator("#chain-counts").inner_text()
    # No DOM per case: the chart is canvases only, however many cases it draws.
    assert page.evaluate("document.querySelectorAll('#chain-chart *').length") < 20
    for view in ("时间轴", "地图（按乡镇）", "传播链（按代际）"):
        page.get_by_role("button", name=view).click()
        page.screenshot(path=str(tmp_path / f"{view}.png"))
    assert errors == []
    context.close()
