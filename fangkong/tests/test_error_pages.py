"""Error pages as deployed (DEBUG off): Chinese 403 / 404 / 500 inside the platform's layout,
never Django's debug page with URL patterns, settings, paths or local variables."""

from __future__ import annotations

import copy

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from fangkong.core.testkit import client_for
from fangkong.registry.models import Resident

LEAKS = ("Traceback", "URLconf", "SECRET_KEY", "DATABASES", "Request Method", "site-packages",
         "Using the URLconf", "You're seeing this error", "Local vars")


def boom_processor(request):
    """A context processor that fails, as one would when the database is down."""
    raise RuntimeError("context processor down")


def _assert_no_debug(html: str) -> None:
    leaked = [w for w in LEAKS if w in html]
    assert not leaked, leaked


@pytest.fixture(autouse=True)
def _deployed(settings):
    settings.DEBUG = False


def test_it_shows_a_chinese_404_in_the_layout_for_a_broken_link(users):
    resp = client_for(users["grid"]).get("/screening/leads/start=2026-07-01&end=2026-07-02")
    html = resp.content.decode()
    assert resp.status_code == 404
    assert "页面不存在" in html and 'class="topbar"' in html and "css/fangkong.css" in html
    assert reverse("home") in html and "菜单" in html  # the signed-in user keeps the layout and menu
    _assert_no_debug(html)


def test_it_shows_the_same_404_for_a_record_out_of_scope(users):
    outside = Resident.objects.exclude(grid=users["grid"].division).first()
    resp = client_for(users["grid"]).get(reverse("registry:resident", args=[outside.pk]))
    html = resp.content.decode()
    assert resp.status_code == 404 and "页面不存在" in html
    assert outside.name not in html
    _assert_no_debug(html)


def test_it_offers_login_and_self_report_on_a_404_to_the_public(db):
    html = Client().get("/no-such-page/").content.decode()
    assert reverse("login") in html and reverse("screening:self_report") in html
    _assert_no_debug(html)


def test_it_shows_a_chinese_403_with_the_reason_in_the_layout(users):
    resp = client_for(users["auditor"]).get(reverse("screening:door_screening"))
    html = resp.content.decode()
    assert resp.status_code == 403
    assert "没有权限" in html and 'class="topbar"' in html and "安全管理员" in html
    assert "<h1>403 Forbidden</h1>" not in html
    _assert_no_debug(html)


def test_it_shows_a_chinese_500_even_when_the_context_processors_fail(users):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["context_processors"].append("fangkong.tests.test_error_pages.boom_processor")
    client = client_for(users["commander"])
    client.raise_request_exception = False
    with override_settings(TEMPLATES=templates):
        resp = client.get(reverse("home"))
    html = resp.content.decode()
    assert resp.status_code == 500
    assert "服务器出错了" in html and 'class="topbar"' in html and "疫情防控指挥平台" in html
    assert "context processor down" not in html and "boom_processor" not in html
    _assert_no_debug(html)


def test_it_shows_a_chinese_page_for_an_expired_form(users):
    client = Client(enforce_csrf_checks=True)
    resp = client.post(reverse("login"), {"username": "x", "password": "y"})
    html = resp.content.decode()
    assert resp.status_code == 403 and "页面已过期" in html
    _assert_no_debug(html)


def test_it_serves_static_files_with_debug_off(db):
    """The demo runs as deployed: with DEBUG off runserver serves no static files, whitenoise does."""
    client = Client()  # a new handler reads the whitenoise settings
    css = client.get("/static/css/fangkong.css")
    assert css.status_code == 200 and b".topbar" in b"".join(css.streaming_content)
    htmx = client.get("/static/vendor/htmx.min.js")
    assert htmx.status_code == 200


urlpatterns: list = []  # a URLconf without any of the platform's names


def test_it_renders_the_404_under_a_urlconf_without_the_platforms_names(users):
    client = client_for(users["grid"])
    with override_settings(ROOT_URLCONF="fangkong.tests.test_error_pages"):
        resp = client.get("/anything/")
    assert resp.status_code == 404 and "页面不存在" in resp.content.decode()
