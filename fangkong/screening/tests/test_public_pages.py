"""The public's way in: a link and QR code on the login page and the public pages; the receipt
code and phone tail never in a URL; a closed case says what the person must still do."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import segno
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from fangkong.control.choices import MeasureStatus
from fangkong.core.choices import MeasureKind
from fangkong.core.testkit import client_for
from fangkong.screening.choices import VerificationStatus
from fangkong.screening.models import Lead

from .helpers import resident_of_grid


@pytest.fixture(autouse=True)
def _fast_forms(settings, db):
    settings.SCREENING_MIN_FORM_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


def _report(client: Client, resident) -> Lead:
    page = client.get(reverse("screening:self_report"))
    resp = client.post(reverse("screening:self_report"), {
        "phone": resident.phone, "name": resident.name, "id_number": resident.id_number, "origin": "北京市朝阳区",
        "arrived_at": "2022-07-01T10:00", "address": "某村", "consent": "on",
        "started": page.context["form"].initial["started"]})
    assert resp.status_code == 302
    assert resp["Location"] == reverse("screening:self_report_done")  # no receipt code in the URL
    return Lead.objects.get(id_number=resident.id_number)


def test_it_offers_the_self_report_link_and_qr_code_on_the_login_page(db):
    client = Client()
    login = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("screening:self_report")}"' in login
    assert f'src="{reverse("screening:self_report_qr")}"' in login
    qr = client.get(reverse("screening:self_report_qr"))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    svg = qr.content.decode()
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" ')
    assert "<title>http://testserver/screening/report/</title>" in svg
    # the modules drawn are those of a QR code of the self-report page's address
    drawn = re.search(r' d="([^"]+)"', svg).group(1)
    assert drawn == re.search(r' d="([^"]+)"', segno.make("http://testserver/screening/report/", error="m")
                              .svg_inline(scale=4, border=2)).group(1)
    assert drawn != re.search(r' d="([^"]+)"', segno.make("http://testserver/", error="m")
                              .svg_inline(scale=4, border=2)).group(1)


def test_it_encodes_the_public_address_when_one_is_set(db, settings):
    settings.FANGKONG_PUBLIC_URL = "https://fk.example.gov.cn/"
    svg = Client().get(reverse("screening:self_report_qr")).content.decode()
    assert "<title>https://fk.example.gov.cn/screening/report/</title>" in svg


def test_it_links_the_public_pages_to_each_other(db):
    client = Client()
    report = client.get(reverse("screening:self_report")).content.decode()
    receipt = client.get(reverse("screening:receipt")).content.decode()
    assert reverse("screening:receipt") in report and reverse("screening:self_report_qr") in report
    assert reverse("screening:self_report") in receipt and reverse("screening:self_report_qr") in receipt


def test_it_keeps_receipt_code_and_phone_tail_out_of_urls(users):
    r = resident_of_grid(users["grid"].division, 5)
    client = Client()
    lead = _report(client, r)
    done = client.get(reverse("screening:self_report_done")).content.decode()
    assert lead.receipt_code in done
    assert Client().get(reverse("screening:self_report_done")).content.decode().count(lead.receipt_code) == 0
    lookup = client.get(reverse("screening:receipt")).content.decode()
    assert re.search(rf'name="code"[^>]*value="{lead.receipt_code}"', lookup)  # prefilled from the session
    assert 'method="post"' in lookup
    by_url = client.get(reverse("screening:receipt"), {"code": lead.receipt_code, "phone_tail": r.phone[-4:]})
    assert 'id="receipt-status"' not in by_url.content.decode()  # a query string looks nothing up
    found = client.post(reverse("screening:receipt"), {"code": lead.receipt_code, "phone_tail": r.phone[-4:]})
    html = found.content.decode()
    assert 'id="receipt-status"' in html and "正在核实" in html and r.name not in html


def test_it_tells_a_closed_case_what_the_person_must_still_do(users, django_capture_on_commit_callbacks):
    r = resident_of_grid(users["grid"].division, 6)
    public = Client()
    lead = _report(public, r)
    v = lead.verification
    grid = client_for(users["grid"])
    grid.post(reverse("screening:outcome", args=[v.pk]), {"outcome": "controlled", "measure_kind": "home_monitoring"})
    with django_capture_on_commit_callbacks(execute=True):  # control starts the measure on commit
        client_for(users["commander"]).post(reverse("screening:review", args=[v.pk]), {"decision": "approved"})
    v.refresh_from_db()
    assert v.status == VerificationStatus.CLOSED
    measure = v.person.measures.get(status=MeasureStatus.ACTIVE)
    assert measure.kind == MeasureKind.HOME_MONITORING
    html = public.post(reverse("screening:receipt"), {"code": lead.receipt_code, "phone_tail": r.phone[-4:]}
                       ).content.decode()
    last = measure.ends_on - dt.timedelta(days=1)
    assert "已办结" in html and "您还需要" in html
    assert f"请继续居家健康监测至{last.month}月{last.day}日" in html
    assert f"{measure.ends_on.month}月{measure.ends_on.day}日解除" in html


def test_it_limits_status_lookups_per_address(users):
    client = Client()
    for _ in range(20):
        client.post(reverse("screening:receipt"), {"code": "ZZZZZZ", "phone_tail": "0000"})
    resp = client.post(reverse("screening:receipt"), {"code": "ZZZZZZ", "phone_tail": "0000"})
    assert resp.status_code == 429 and "查询次数过多" in resp.content.decode()
