"""The crawl of the tip-off pages (issue #15 items 4 and 8), started from the list and the figures
on the demo county (which holds tip-offs in every state), as every role that sees them and one
that does not; and the public tip-off page, its receipt and the status lookup as an anonymous
visitor, before and after filing."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from fangkong.core.models import Division
from fangkong.grid.models import TipOff

from ..kit import Crawl, summary
from ..runner import assert_pages_clean, page_checks

ROLES = ("commander", "township", "village", "grid", "auditor", "self_report_admin", "regulator", "lab")
STARTS = ("/grid/tipoffs/", "/grid/tipoffs/board/", "/grid/tipoffs/?status=to_inspection")



def _public(findings: list) -> list:
    return [f for f in findings if "login page" not in f.detail]



def test_the_demo_holds_tip_offs_in_every_state(db):
    assert set(TipOff.objects.values_list("status", flat=True)) >= {"pending", "to_lead", "to_inspection",
                                                                     "unfounded", "duplicate"}


@pytest.mark.parametrize("username", ROLES)
def test_it_finds_nothing_on_the_tip_off_pages_as(db, username):
    # the lab has no role here: refused, and offered no link to it
    assert_pages_clean(username, STARTS, max_pages=15, refused=username == "lab")


@override_settings(SCREENING_MIN_FORM_SECONDS=0)
def test_the_public_tip_off_pages_as_an_anonymous_visitor(db):
    client = Client()
    for start in ("/grid/tipoff/", "/grid/tipoff/status/"):
        crawl = Crawl(client, page_checks(), start=start, max_pages=10)
        crawl.run()
        assert crawl.visited.get(start) == 200
        assert not _public(crawl.findings), "\n".join(summary(_public(crawl.findings)))
    form = client.get("/grid/tipoff/").context["form"]
    village = Division.objects.filter(level="village").order_by("path").first()
    r = client.post("/grid/tipoff/", {"kind": "gathering", "division": village.pk, "address": "广场",
                                      "what": "晚上很多人聚集", "started": form.initial["started"]})
    assert r.status_code == 302
    done = Crawl(client, page_checks(), start="/grid/tipoff/done/", max_pages=5)
    done.run()
    assert done.visited.get("/grid/tipoff/done/") == 200
    assert not _public(done.findings), "\n".join(summary(_public(done.findings)))
