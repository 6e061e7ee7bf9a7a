"""A real browser on a laptop (1366 × 768): the epidemiologist links a case to its source from the
case page, opens the chain, switches between its views and clicks a case on the canvas (a real
mouse click on ECharts) to open that case's page."""

from __future__ import annotations

import pytest
from django.test import Client

from fangkong.core.testkit import launch_chromium

from ..models import TransmissionEdge
from . import chain_data as C

LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.mark.browser
def test_an_epidemiologist_links_a_source_and_opens_a_case_from_the_chain(
    restore_county, live_server, browser
):
    from fangkong.core.testkit import named_users

    from . import factories as F

    users = named_users()
    F.activate()
    grid = users["grid"].division
    source, target = C.case_on(grid, 6, name="链测试甲"), C.case_on(grid, 3, name="链测试乙")
    later = C.case_on(grid, 1, name="链测试丙")
    C.link(target, later)
    client = Client()
    client.force_login(users["cdc"])
    context = browser.new_context(locale="zh-CN", viewport=LAPTOP)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15000)

    page.goto(f"{live_server.url}/tracing/cases/{target.pk}/")
    form = page.locator("#link-form")
    form.locator("input[name=source_code]").fill(source.code)
    form.locator("select[name=exposure]").select_option(label="同事")
    form.locator("select[name=certainty]").select_option(label="确定")
    form.locator("input[name=evidence]").fill("同一办公室，监控核实")
    form.get_by_role("button", name="关联传染来源").click()
    page.wait_for_url("**#chain")
    assert f"传染来源：{source.code}" in page.locator("#case-links").inner_text()
    assert TransmissionEdge.objects.filter(source=source, target=target).exists()

    page.locator("#chain").get_by_role("link", name="查看传播链").click()
    page.wait_for_function("window.fkChain && window.fkChain.ready")
    counts = page.locator("#chain-counts").inner_text()
    assert "传播关系 2" in counts and "最多代际 3" in counts
    assert page.evaluate("document.querySelectorAll('#chain-chart canvas').length") >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    for view in ("时间轴", "地图（按乡镇）", "传播链（按代际）"):
        page.get_by_role("button", name=view).click()
        assert page.get_by_role("button", name=view).get_attribute("aria-pressed") == "true"

    page.locator("#chain-chart").scroll_into_view_if_needed()
    page.wait_for_function("window.fkChain.idle")  # the view's entrance has finished
    _open_from_the_chart(page, target)
    context.close()


def _open_from_the_chart(page, case) -> None:
    """A real mouse click on the case's dot (ECharts draws on a canvas) opens the case's page."""
    page.evaluate(f"window.scrollBy(0, window.fkChain.nodePixel({case.code!r})[1] - 300)")
    x, y = page.evaluate(f"window.fkChain.nodePixel({case.code!r})")
    assert 0 <= y <= page.viewport_size["height"]
    page.mouse.move(x, y)
    page.wait_for_timeout(200)
    page.mouse.click(x, y)
    page.wait_for_url(f"**/tracing/cases/{case.pk}/")
    assert case.code in page.locator("h1").inner_text()


@pytest.mark.browser
def test_on_a_phone_the_chain_stands_upright_and_a_tap_opens_a_case(restore_county, live_server, browser):
    """At 375 px the date views run down the screen with the generations across (a 1,000-unit
    date axis squeezed into 359 px hid most names), nothing scrolls sideways, and tapping a case
    opens it; wider again, the chain lies as on a laptop."""
    from fangkong.core.testkit import named_users

    from . import factories as F

    users = named_users()
    F.activate()
    grid = users["grid"].division
    first, second, third = (C.case_on(grid, d, name=n) for d, n in ((6, "竖排甲"), (3, "竖排乙"), (1, "竖排丙")))
    C.link(first, second)
    C.link(second, third)
    client = Client()
    client.force_login(users["cdc"])
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 800}, has_touch=True)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/tracing/cases/{second.pk}/")
    page.locator("#chain").get_by_role("link", name="查看传播链").click()
    page.wait_for_function("window.fkChain && window.fkChain.ready")
    assert "最多代际 3" in page.locator("#chain-counts").inner_text()
    assert page.evaluate("window.fkChain.upright()")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.locator("#chain-chart").scroll_into_view_if_needed()
    page.wait_for_function("window.fkChain.idle")
    points = {c.code: page.evaluate(f"window.fkChain.nodePixel({c.code!r})") for c in (first, second, third)}
    # Later onsets lower down, later generations further right.
    assert points[first.code][1] < points[second.code][1] < points[third.code][1]
    assert points[first.code][0] < points[second.code][0] < points[third.code][0]
    box = page.locator("#chain-chart").bounding_box()
    assert all(box["x"] <= x <= box["x"] + box["width"] for x, _y in points.values())
    page.set_viewport_size({"width": 1000, "height": 800})
    page.wait_for_function("!window.fkChain.upright()")
    page.set_viewport_size({"width": 375, "height": 800})
    page.wait_for_function("window.fkChain.upright() && window.fkChain.idle")
    _open_from_the_chart(page, third)
    context.close()
