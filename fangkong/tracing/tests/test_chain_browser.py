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
    x, y = page.evaluate(f"window.fkChain.nodePixel({target.code!r})")
    page.mouse.move(x, y)
    page.wait_for_timeout(200)
    page.mouse.click(x, y)
    page.wait_for_url(f"**/tracing/cases/{target.pk}/")
    assert target.code in page.locator("h1").inner_text()
    context.close()
