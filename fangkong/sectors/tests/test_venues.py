"""Venues: the credit code checked per GB 32100 on the page and in the API, the status rules,
the scan code (场所码) as a QR image whose URL opens the venue's inspection."""

from __future__ import annotations

import io
import re

import pytest
import segno
from django.urls import reverse

from fangkong.core.testkit import api_client_for, client_for
from fangkong.sectors.choices import VenueStatus
from fangkong.sectors.models import Sector, Venue
from fangkong.sectors.qr import token_for

from .factories import credit_code, make_venue, sector

pytestmark = pytest.mark.django_db


def _form(users, **over):
    return {"name": "新场所", "credit_code": credit_code(), "sector": sector("bar").pk, "address": "测试路1号",
            "grid": users["grid"].division.pk, "status": VenueStatus.OPEN, **over}


def test_the_sector_list_is_seeded_with_the_issues_nineteen_sectors():
    names = list(Sector.objects.order_by("order").values_list("name", flat=True))
    assert len(names) == 19 and names[0] == "网吧/游戏厅" and names[1] == "KTV" and names[-1] == "其他"
    ktv = Sector.objects.get(code="ktv")
    assert {"ktv", "KTV娱乐", "歌舞厅"} <= set(ktv.alias_list())
    assert all(s.checklists.filter(version=1).exists() for s in Sector.objects.all())


def test_the_page_refuses_a_bad_credit_code_in_chinese(users):
    client = client_for(users["regulator"])
    bad = credit_code(7)[:17] + "Z"
    response = client.post(reverse("sectors:venue_add"), _form(users, credit_code=bad))
    assert response.status_code == 200
    assert "统一社会信用代码“" in response.content.decode() and "不符合国家标准" in response.content.decode()
    assert not Venue.objects.filter(credit_code=bad).exists()


def test_a_credit_code_is_registered_once(users):
    venue = make_venue(users["grid"].division)
    response = client_for(users["regulator"]).post(reverse("sectors:venue_add"),
                                                   _form(users, credit_code=venue.credit_code.lower()))
    assert response.status_code == 200 and "该统一社会信用代码的场所已登记" in response.content.decode()
    response = api_client_for(users["regulator"]).post(reverse("sectors-venue-list"),
                                                       {**_form(users), "credit_code": "123"}, format="json")
    assert response.status_code == 400 and "credit_code" in response.json()


def test_a_restricted_venue_needs_its_percentage(users):
    response = client_for(users["regulator"]).post(reverse("sectors:venue_add"),
                                                   _form(users, status=VenueStatus.RESTRICTED))
    assert "限流营业须填写限流比例" in response.content.decode()
    response = client_for(users["regulator"]).post(reverse("sectors:venue_add"),
                                                   _form(users, status=VenueStatus.RESTRICTED, limit_percent=50))
    assert response.status_code == 302


def test_the_venue_page_shows_its_scan_code_as_a_qr_image_of_its_url(users):
    venue = make_venue(users["grid"].division)
    page = client_for(users["regulator"]).get(reverse("sectors:venue", args=[venue.pk])).content.decode()
    url = "http://testserver" + reverse("sectors:scan", args=[token_for(venue.pk)])
    assert url in page
    drawn = re.search(r'<path[^>]* d="([^"]+)"', page).group(1)
    expected = io.BytesIO()
    segno.make(url, error="m").save(expected, kind="svg", scale=5, xmldecl=False, svgns=True)
    assert f'd="{drawn}"' in expected.getvalue().decode()


def test_the_scan_code_opens_the_inspection_and_refuses_a_forged_one(users):
    venue = make_venue(users["grid"].division)
    url = reverse("sectors:scan", args=[token_for(venue.pk)])
    response = client_for(users["regulator"]).get(url)
    assert response.status_code == 302 and response["Location"] == reverse("sectors:inspect", args=[venue.pk])
    # A viewer who does not inspect lands on the venue page; outside the scope, nothing is found.
    assert client_for(users["grid"]).get(url)["Location"] == reverse("sectors:venue", args=[venue.pk])
    assert client_for(users["grid_other"]).get(url).status_code == 404
    forged = token_for(venue.pk)[:-1] + ("A" if token_for(venue.pk)[-1] != "A" else "B")
    assert client_for(users["regulator"]).get(reverse("sectors:scan", args=[forged])).status_code == 404
    assert client_for(users["regulator"]).get(reverse("sectors:scan", args=[str(venue.pk)])).status_code == 404
