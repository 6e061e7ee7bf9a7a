"""The crawl of the people-away and return-report pages (issue #15 items 2, 3 and 8), started from
the away board, the ledger, the tasks and the return reports on the demo county, as every role of
the grid line; and the public return-report page as an anonymous visitor, before and after filing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from fangkong.core.models import Division

from ..kit import Crawl, summary
from ..runner import assert_pages_clean, page_checks

ROLES = ("commander", "township", "village", "grid", "auditor", "lab")
STARTS = ("/grid/away/board/", "/grid/away/", "/grid/returns/", "/grid/away-tasks/?status=")



def _public(findings: list) -> list:
    """An anonymous visitor is sent to the login page by the home link: that is not a break."""
    return [f for f in findings if "login page" not in f.detail]



@pytest.mark.parametrize("username", ROLES)
def test_it_finds_nothing_on_the_away_pages_as(db, username):
    # the lab has no role here: refused, and offered no link to it
    assert_pages_clean(username, STARTS, max_pages=15, refused=username == "lab")


@override_settings(SCREENING_MIN_FORM_SECONDS=0)
def test_the_public_return_page_and_its_receipt_as_an_anonymous_visitor(db):
    client = Client()
    crawl = Crawl(client, page_checks(), start="/grid/return/", max_pages=10)
    crawl.run()
    assert crawl.visited.get("/grid/return/") == 200
    assert not _public(crawl.findings), "\n".join(summary(_public(crawl.findings)))
    form = client.get("/grid/return/").context["form"]
    village = Division.objects.filter(level="village").order_by("path").first()
    at = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT09:00")
    r = client.post("/grid/return/", {"phone": "13700004444", "name": "钱公众", "filed_by": "self", "province": "北京市",
                                      "county": "朝阳区", "arrive_at": at, "division": village.pk, "address": "村口",
                                      "consent": "on", "started": form.initial["started"]})
    assert r.status_code == 302
    done = Crawl(client, page_checks(), start="/grid/return/done/", max_pages=5)
    done.run()
    assert done.visited.get("/grid/return/done/") == 200
    assert not _public(done.findings), "\n".join(summary(_public(done.findings)))
