"""The crawl of the supplies (物资储备) and information-release (信息发布) pages on the demo county,
started from their lists (the crawls from the home page stop at their page limit before reaching
them), and of the public release page without an account."""

from __future__ import annotations

import pytest
from django.test import Client

from ..runner import assert_pages_clean

ROLES = ("commander", "township", "cdc", "site", "lab", "auditor")
STARTS = [
    "/supplies/",
    "/supplies/low/",
    "/supplies/movements/",
    "/supplies/rounds/",
    "/supplies/warehouses/",
    "/releases/notes/",
]



@pytest.mark.parametrize("username", ROLES)
def test_it_finds_nothing_on_the_supplies_and_release_pages_as(db, username):
    # a start a role has no part in answers 403 (the lab has no releases)
    assert_pages_clean(username, STARTS, max_pages=20, skip_refused=True)


def test_the_public_release_page_opens_without_an_account(db):
    from fangkong.releases.models import ReleaseNote

    client = Client()
    page = client.get("/public/releases/")
    assert page.status_code == 200 and "已更正" in page.content.decode()
    for note in ReleaseNote.objects.filter(status="published"):
        assert client.get(f"/public/releases/{note.pk}/").status_code == 200
    assert ReleaseNote.objects.filter(status="published").count() == 2
