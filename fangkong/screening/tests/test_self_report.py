"""群众自报: public page, notice, receipt lookup, rate limit, honeypot and time trap."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from fangkong.screening.choices import Channel
from fangkong.screening.models import Lead

from .helpers import resident_of_grid


@pytest.fixture(autouse=True)
def _fast_forms(settings, db):
    settings.SCREENING_MIN_FORM_SECONDS = 0
    cache.clear()
    yield
    cache.clear()  # the rate limit counts per address; leave none behind for other tests


def _form_data(client: Client, **over) -> dict:
    page = client.get(reverse("screening:self_report"))
    assert page.status_code == 200
    assert "个人信息处理告知" in page.content.decode()
    data = {"phone": "13912345678", "name": "赵返乡", "id_number": "", "origin": "北京市朝阳区",
            "arrived_at": "2022-07-01T10:00", "address": "某村", "consent": "on",
            "started": page.context["form"].initial["started"]}
    data.update(over)
    return data


def test_it_takes_a_report_without_login_and_routes_it(users):
    r = resident_of_grid(users["grid"].division, 3)
    client = Client()
    resp = client.post(reverse("screening:self_report"),
                       _form_data(client, name=r.name, id_number=r.id_number, phone=r.phone))
    assert resp.status_code == 302
    lead = Lead.objects.get(channel=Channel.SELF_REPORT, id_number=r.id_number)
    assert lead.verification.assignee == users["grid"]
    done = client.get(resp["Location"])
    assert lead.receipt_code in done.content.decode()
    status = client.post(reverse("screening:receipt"), {"code": lead.receipt_code, "phone_tail": r.phone[-4:]})
    assert "正在核实" in status.content.decode() and r.name not in status.content.decode()
    wrong = client.post(reverse("screening:receipt"), {"code": lead.receipt_code, "phone_tail": "0000"})
    assert "没有找到" in wrong.content.decode()


def test_it_requires_the_notice_to_be_accepted():
    client = Client()
    resp = client.post(reverse("screening:self_report"), _form_data(client, consent=""))
    assert resp.status_code == 200 and "请先阅读并同意" in resp.content.decode()
    assert not Lead.objects.exists()


def test_it_stops_bots_by_honeypot_and_time_trap(settings):
    client = Client()
    resp = client.post(reverse("screening:self_report"), _form_data(client, website="http://spam"))
    assert "未通过校验" in resp.content.decode()
    settings.SCREENING_MIN_FORM_SECONDS = 30
    resp = client.post(reverse("screening:self_report"), _form_data(client))
    assert "提交过快" in resp.content.decode()
    assert not Lead.objects.exists()


def test_it_rate_limits_per_address():
    client = Client()
    for i in range(5):
        resp = client.post(reverse("screening:self_report"), _form_data(client, phone=f"1391234000{i}"))
        assert resp.status_code == 302
    resp = client.post(reverse("screening:self_report"), _form_data(client, phone="13912340099"))
    assert resp.status_code == 429
    assert Lead.objects.count() == 5


@pytest.mark.parametrize("arrived", ["0001-01-01", "0279-03-04T10:00", "2019-11-30", "2099-01-01"])
def test_it_refuses_an_impossible_arrival_date_with_a_chinese_reason(client, arrived):
    """#17 probe: 0001-01-01 answered 500 and year 0279 was stored."""
    resp = client.post(reverse("screening:self_report"), _form_data(client, arrived_at=arrived))
    assert resp.status_code == 200
    assert "到达时间应在2019-12-01至" in resp.content.decode()
    assert not Lead.objects.exists()


def test_it_refuses_an_address_longer_than_its_column_instead_of_cutting_it(client):
    """#17 probe: a 300-character address was stored cut to 255 characters without a word."""
    resp = client.post(reverse("screening:self_report"), _form_data(client, address="某" * 300))
    assert resp.status_code == 200
    assert "现住址最多255个字" in resp.content.decode()
    assert not Lead.objects.exists()


def _post_from(address: str, i: int, forwarded: str = "") -> int:
    """One report as a new browser would send it, through a proxy at `address` when `forwarded`."""
    client = Client(REMOTE_ADDR=address, **({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}))
    return client.post(reverse("screening:self_report"), _form_data(client, phone=f"1391235{i:04d}")).status_code


def test_its_rate_limit_is_shared_by_all_server_processes():
    """Two gunicorn workers: a process's own memory (the local cache) is cleared between posts,
    as if each came to another process; the address still has one quota of five."""
    statuses = []
    for i in range(6):
        cache.clear()  # another process: nothing of the last one's memory
        statuses.append(_post_from("203.0.113.7", i))
    assert statuses == [302] * 5 + [429]
    assert _post_from("203.0.113.8", 99) == 302  # another address has its own quota


def test_its_rate_limit_is_keyed_on_the_real_client_behind_the_proxy(settings):
    """Behind nginx every request comes from 127.0.0.1: the quota is the client's, not the county's."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert [_post_from("127.0.0.1", i, forwarded=f"198.51.100.{i}") for i in range(8)] == [302] * 8
    assert [_post_from("127.0.0.1", 20 + i, forwarded="198.51.100.50") for i in range(6)] == [302] * 5 + [429]
    # A client's own X-Forwarded-For (not from a trusted proxy) changes nothing.
    assert [_post_from("192.0.2.9", 40 + i, forwarded=f"10.0.0.{i}") for i in range(6)] == [302] * 5 + [429]
