"""#17 probe, accounts: API tokens stop working while the account is locked or inactive; password
spraying from one address is slowed; the idle clock starts at login."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.test import Client
from django.utils import timezone

from fangkong.core.models import User
from fangkong.core.testkit import api_client_for
from fangkong.registry.generator import DEMO_PASSWORD

LOGIN = "/accounts/login/"


def _fail(client: Client, username: str, times: int) -> None:
    for _ in range(times):
        client.post(LOGIN, {"username": username, "password": "wrong-password"})


def test_a_token_stops_working_while_its_account_is_locked(users, client):
    api = api_client_for(users["village"])
    assert api.get("/api/residents/").status_code == 200
    _fail(client, "village", 5)  # the account locks
    refused = api.get("/api/residents/")
    assert refused.status_code in (401, 403) and "锁定" in refused.json()["detail"]
    from fangkong.core.accounts import do_unlock

    do_unlock("village", acting_user=users["secadmin"])
    assert api.get("/api/residents/").status_code == 200


def test_a_token_stops_working_while_its_account_is_inactive(users):
    api = api_client_for(users["village"])
    User.objects.filter(pk=users["village"].pk).update(is_active=False)
    assert api.get("/api/residents/").status_code in (401, 403)


def test_password_spraying_from_one_address_is_stopped(users, settings):
    """A few tries at each of many accounts never locks one account; the address is stopped."""
    settings.LOGIN_FAILURES_PER_ADDRESS = 12
    sprayer = Client(REMOTE_ADDR="198.51.100.66")
    names = ["grid", "grid_other", "village", "village_other"]
    for name in names:
        _fail(sprayer, name, 3)  # 12 failures, under each account's limit of 5
    page = sprayer.post(LOGIN, {"username": "commander", "password": DEMO_PASSWORD})
    assert page.status_code == 429 and "网络地址" in page.content.decode()  # even the right password
    # Another address (another office) logs in as usual, and the accounts themselves are not locked.
    assert Client(REMOTE_ADDR="198.51.100.67").post(LOGIN, {"username": "grid", "password": DEMO_PASSWORD}).status_code == 302


def test_the_idle_clock_starts_at_login(users):
    start = timezone.now()
    client = Client()
    with mock.patch("django.utils.timezone.now", return_value=start):
        assert client.post(LOGIN, {"username": "grid", "password": DEMO_PASSWORD}).status_code == 302
    with mock.patch("django.utils.timezone.now", return_value=start + dt.timedelta(minutes=31)):
        response = client.get("/registry/search/")  # the first request, 31 minutes after the login
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
