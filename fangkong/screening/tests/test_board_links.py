"""The board's cards and cells open their lists, and the 接收 card says which days it counts."""

from __future__ import annotations

import datetime as dt
import html as htmlmod
import re

from django.urls import reverse
from django.utils import timezone

from fangkong.core.testkit import client_for


def _links(page: str, block_id: str | None = None) -> list[str]:
    if block_id:
        page = page.split(f'id="{block_id}"', 1)[1].split("</div>\n", 1)[0]
    return [htmlmod.unescape(h) for h in re.findall(r'href="([^"]+)"', page)]


def test_it_links_every_card_and_cell_of_the_board_to_a_list_that_opens(users):
    commander = client_for(users["commander"])
    today = timezone.localdate()
    page = commander.get(reverse("screening:board"), {"start": f"{today:%Y-%m-%d}", "end": f"{today:%Y-%m-%d}"})
    html = page.content.decode()
    cards = _links(html, "totals")
    assert len(cards) == 7
    received = next(h for h in cards if h.startswith(reverse("screening:leads")))
    assert received == f"{reverse('screening:leads')}?start={today:%Y-%m-%d}&end={today:%Y-%m-%d}"
    lists = [h for h in _links(html) if h.startswith(("/screening/leads", "/screening/verifications"))]
    assert len(lists) > len(cards)
    for href in sorted(set(lists)):
        assert commander.get(href).status_code == 200, href


def test_it_labels_received_by_the_range_it_counts(users):
    commander = client_for(users["commander"])
    today = timezone.localdate()
    board = reverse("screening:board")
    html = commander.get(board).content.decode()
    assert "今日接收" in html and 'id="period"' not in html
    since_july = commander.get(board, {"start": f"{today.year}-07-01", "end": f"{today:%Y-%m-%d}"}).content.decode()
    assert "今日接收" not in since_july and "所选期间接收" in since_july
    assert f"{today.year}-07-01 至 {today:%Y-%m-%d}" in since_july
    day = today - dt.timedelta(days=3)
    one_day = commander.get(board, {"start": f"{day:%Y-%m-%d}", "end": f"{day:%Y-%m-%d}"}).content.decode()
    assert "今日接收" not in one_day and f"{day.month}月{day.day}日接收" in one_day
