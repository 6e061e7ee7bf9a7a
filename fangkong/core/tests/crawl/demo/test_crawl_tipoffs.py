"""The crawl of the tip-off pages (issue #15 items 4 and 8), started from the list and the figures
on the demo county (which holds tip-offs in every state), as every role that sees them and one
that does not; and the public tip-off page, its receipt and the status lookup as an anonymous
visitor, before and after filing."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from fangkong.core.models import Division, User
from fangkong.grid.models import TipOff

from ..kit import Checks, Crawl, crawl_as, summary
from ..runner import audit_verbs, choice_values

ROLES = ("commander", "township", "village", "grid", "auditor", "self_report_admin", "regulator", "lab")
STARTS = ("/grid/tipoffs/", "/grid/tipoffs/board/", "/grid/tipoffs/?status=to_inspection")



def _public(findings: list) -> list:
    return [f for f in findings if "login page" not in f.detail]


def _checks() -> Checks:
    return Checks(choice_values() | audit_verbs(), set(User.objects.values_list("username", flat=True)),
                  set(Division.objects.values_list("path", flat=True)))


def test_the_demo_holds_tip_offs_in_every_state(db):
    assert set(TipOff.objects.values_list("status", flat=True)) >= {"pending", "to_lead", "to_inspection",
                                                                     "unfounded", "duplicate"}


@pytest.mark.parametrize("username", ROLES)
def test_it_finds_nothing_on_the_tip_off_pages_as(db, username):
    user = User.objects.get(username=username)
    for start in STARTS:
        result = crawl_as(user, _checks(), start=start, max_pages=15)
        if username == "lab":  # no role that sees tip-offs: refused
            assert result.visited.get(start) == 403, f"lab: {start}"
            continue
        assert result.visited.get(start) == 200, f"{username}: {start} did not open"
        assert not result.findings, f"{username} from {start}:\n" + "\n".join(summary(result.findings))


@override_settings(SCREENING_MIN_FORM_SECONDS=0)
def test_the_public_tip_off_pages_as_an_anonymous_visitor(db):
    client = Client()
    for start in ("/grid/tipoff/", "/grid/tipoff/status/"):
        crawl = Crawl(client, _checks(), start=start, max_pages=10)
        crawl.run()
        assert crawl.visited.get(start) == 200
        assert not _public(crawl.findings), "\n".join(summary(_public(crawl.findings)))
    form = client.get("/grid/tipoff/").context["form"]
    village = Division.objects.filter(level="village").order_by("path").first()
    r = client.post("/grid/tipoff/", {"kind": "gathering", "division": village.pk, "address": "广场",
                                      "what": "晚上很多人聚集", "started": form.initial["started"]})
    assert r.status_code == 302
    done = Crawl(client, _checks(), start="/grid/tipoff/done/", max_pages=5)
    done.run()
    assert done.visited.get("/grid/tipoff/done/") == 200
    assert not _public(done.findings), "\n".join(summary(_public(done.findings)))
