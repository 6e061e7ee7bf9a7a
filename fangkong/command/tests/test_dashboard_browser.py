"""A real browser on a desktop: the command dashboard's map loads for the demo county, a township is
clicked on the map and its list opens, filtered to that township."""

from __future__ import annotations

import pytest
from django.test import Client

from fangkong.core import shapes
from fangkong.core.actions import SYSTEM
from fangkong.core.testkit import launch_chromium
from fangkong.screening import actions
from fangkong.screening.choices import Channel
from fangkong.screening.intake import LeadInput
from fangkong.screening.tests.helpers import resident_of_grid

DESKTOP = {"width": 1440, "height": 900}


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.mark.browser
def test_the_dashboard_map_loads_and_a_township_opens_its_list(restore_county, live_server, browser):
    from fangkong.core.testkit import named_users

    users = named_users()
    grid = users["grid"].division
    township = grid.parent.parent
    for n in range(2):
        r = resident_of_grid(grid, n)
        actions.do_submit_lead(
            LeadInput(name=r.name, id_number=r.id_number, phone=r.phone),
            channel=Channel.BIG_DATA,
            acting_user=SYSTEM,
        )
    client = Client()
    client.force_login(users["commander"])
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(f"{live_server.url}/command/dashboard/")
    page.wait_for_selector("#dashboard[data-ready='1']")
    assert page.locator("#map canvas").count() >= 1  # ECharts drew the map
    assert page.locator("#map-rows tr").count() == township.parent.children.count()
    # The township is on the map: ECharts knows its region, and the table shows its number.
    names = page.evaluate("fangkongDashboard.chart.getOption().series[0].data.map(d => d.name)")
    assert township.name in names
    assert page.locator(f"#map-rows a[data-division='{township.code}']").inner_text() == "2"

    # A real mouse click on the township's region: its centroid, placed by ECharts on the canvas.
    lon, lat = shapes.centroid([tuple(p) for p in township.shape["coordinates"][0][:-1]])
    x, y = page.evaluate(
        "([lon, lat]) => fangkongDashboard.chart.convertToPixel({seriesIndex: 0}, [lon, lat])", [lon, lat]
    )
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(f"**/screening/verifications/?*division={township.pk}*")
    assert "open=true" in page.url
    rows = page.locator("table tbody tr")
    assert rows.count() == 2
    assert not errors, errors

    # Drill-down: the township's villages, from the table.
    page.goto(f"{live_server.url}/command/dashboard/?measure=measures")
    page.wait_for_selector("#dashboard[data-ready='1']")
    page.evaluate("id => fangkongDashboard.drill(id, '')", township.pk)
    page.wait_for_function("fangkongDashboard.state().data.level === 'village'")
    assert page.locator("#map-rows tr").count() == township.children.count()
    assert not errors, errors
    context.close()
