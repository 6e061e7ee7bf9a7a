"""/api/docs/ works on a network without internet: Swagger UI comes from our own static files."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from fangkong.core.testkit import client_for


def test_it_serves_swagger_ui_from_local_static_files_only(users, settings):
    settings.DEBUG = False
    client = client_for(users["commander"])
    resp = client.get(reverse("api-docs"))
    html = resp.content.decode()
    assert resp.status_code == 200
    urls = re.findall(r'(?:src|href)\s*=\s*"([^"]+)"', html) + re.findall(r'"(https?://[^"]+)"', html)
    assert urls, html
    external = [u for u in urls if u.startswith(("http:", "https:", "//"))]
    assert not external, external
    assert any("swagger-ui" in u for u in urls)
    static = [u for u in urls if u.startswith(settings.STATIC_URL if settings.STATIC_URL.startswith("/")
                                               else "/" + settings.STATIC_URL)]
    assert len(static) >= 2, urls
    anonymous = Client()  # static files need no login and are served with DEBUG off
    for url in static:
        assert anonymous.get(url).status_code == 200, url
