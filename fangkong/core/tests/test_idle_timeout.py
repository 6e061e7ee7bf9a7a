"""Sessions end after 30 idle minutes (IdleTimeoutMiddleware), measured with a patched clock."""

import datetime as dt
from unittest import mock

from django.utils import timezone

from fangkong.core.testkit import client_for


def _at(minutes):
    return mock.patch("django.utils.timezone.now", return_value=START + dt.timedelta(minutes=minutes))


START = timezone.now()


def test_it_keeps_a_session_that_is_used(users):
    client = client_for(users["grid"])
    for minute in (0, 25, 50, 75):
        with _at(minute):
            assert client.get("/registry/search/").status_code == 200


def test_it_ends_a_session_idle_for_more_than_30_minutes(users):
    client = client_for(users["grid"])
    with _at(0):
        assert client.get("/").status_code == 200
    with _at(31):
        response = client.get("/registry/search/?q=123")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fregistry%2Fsearch%2F%3Fq%3D123"
    with _at(31):
        login = client.get(response["Location"])
    assert "长时间未操作" in login.content.decode()
    with _at(32):
        assert client.get("/").status_code == 302


def test_an_idle_api_session_gets_no_data(users):
    client = client_for(users["grid"])
    with _at(0):
        assert client.get("/api/residents/").status_code == 200
    with _at(45):
        assert client.get("/api/residents/").status_code in (401, 403)


def test_an_idle_htmx_request_reloads_to_the_login_page(users):
    client = client_for(users["grid"])
    with _at(0):
        client.get("/")
    with _at(40):
        response = client.post("/core/notifications/read/", HTTP_HX_REQUEST="true",
                               HTTP_HX_CURRENT_URL="http://testserver/registry/search/")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/accounts/login/?next=")
