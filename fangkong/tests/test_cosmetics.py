"""Cosmetics a new user notices first: the favicon, the phone icon, Chinese punctuation in the
shell's templates, and form fields that take the full width of a phone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from fangkong.core.testkit import client_for, launch_chromium
from fangkong.screening.tests.helpers import resident_of_grid

FANGKONG = Path(settings.BASE_DIR)
# The templates the shell owns: the layout, error pages, login and the public self-report pages.
SHELL_TEMPLATES = [*sorted((FANGKONG / "templates").rglob("*.html")),
                   *(FANGKONG / "screening/templates/screening" / n for n in (
                       "board.html", "self_report.html", "self_report_done.html", "receipt.html",
                       "_public_entry.html"))]
CJK = r"[\u4e00-\u9fff]"
HALF_WIDTH = re.compile(rf"{CJK}\s*[,:;?!()]|[,:;?!()]\s*{CJK}")


def test_it_serves_a_favicon_from_our_own_static_files(db):
    client = Client()
    resp = client.get("/favicon.ico", follow=True)
    assert resp.redirect_chain and resp.redirect_chain[0][0].startswith("/" + settings.STATIC_URL.strip("/"))
    assert resp.status_code == 200
    assert b"".join(resp.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert "favicon" in client.get(reverse("login")).content.decode()


def test_it_draws_the_call_button_icon_as_svg_not_an_emoji(users, settings):
    settings.SCREENING_MIN_FORM_SECONDS = 0
    cache.clear()
    r = resident_of_grid(users["grid"].division, 7)
    public = Client()
    form = public.get(reverse("screening:self_report")).context["form"]
    public.post(reverse("screening:self_report"), {
        "phone": r.phone, "name": r.name, "id_number": r.id_number, "origin": "北京", "address": "某村",
        "consent": "on", "started": form.initial["started"]})
    cache.clear()
    html = client_for(users["grid"]).get(reverse("screening:my_tasks")).content.decode()
    assert "拨打" in html and '<svg class="icon"' in html
    assert "\U0001f4de" not in html


def visible_text(template: str) -> str:
    """The text a template shows: translated strings kept, other tags, comments and styles dropped."""
    text = re.sub(r"\{#.*?#\}|<style>.*?</style>", "", template, flags=re.S)
    text = re.sub(r"""\{% (?:translate|trans) (["'])(.*?)\1.*?%\}""", r"\2", text)
    return re.sub(r"\{%.*?%\}|\{\{.*?\}\}", "", text, flags=re.S)


@pytest.mark.parametrize("path", SHELL_TEMPLATES, ids=lambda p: p.name)
def test_it_writes_chinese_punctuation_in_chinese_text(path):
    offences = HALF_WIDTH.findall(visible_text(path.read_text()))
    assert not offences, offences


@pytest.mark.browser
def test_it_gives_form_fields_the_full_width_of_a_phone(db):
    from playwright.sync_api import sync_playwright

    css = (FANGKONG / "static/css/fangkong.css").read_text()
    client = Client()
    pages = [client.get(reverse("login")).content.decode(),
             client.get(reverse("screening:receipt")).content.decode()]
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": 375, "height": 740})
            for html in pages:
                html = re.sub(r'<link rel="stylesheet"[^>]*>', f"<style>{css}</style>", html)
                html = re.sub(r"<script[^>]*></script>", "", html)
                page.set_content(html)
                widths = page.evaluate("""() => [...document.querySelectorAll(
                    'main form input:not([type=hidden]):not([type=checkbox])')].map(
                    i => i.getBoundingClientRect().width / i.closest('form').getBoundingClientRect().width)""")
                assert widths and min(widths) > 0.9, widths
                assert page.evaluate("document.documentElement.scrollWidth") <= 375
        finally:
            browser.close()
