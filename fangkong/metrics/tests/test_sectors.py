"""The county report's venue and inspection sentences (#13 item 7): figures for any date, each
number linking to the list that shows exactly what it counts."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.testkit import client_for
from fangkong.metrics.sectors import (
    inspection_figures,
    inspection_sentence,
    sentence_text,
    venue_figures,
    venue_sentence,
)
from fangkong.sectors.actions import current_checklist, do_inspect
from fangkong.sectors.choices import Answer, Finding
from fangkong.sectors.models import Venue
from fangkong.sectors.tests.factories import make_venue


def _inspect(venue: Venue, finding: str, at: dt.datetime) -> None:
    items = list(current_checklist(venue.sector).items.all())
    answer = Answer.YES if finding == Finding.COMPLIANT else Answer.NO
    do_inspect(venue, finding=finding, answers={str(i.pk): answer for i in items}, to_fix="整改", note="",
               deadline=timezone.localdate(at) + dt.timedelta(days=3) if finding == Finding.RECTIFY else None,
               inspected_at=at, acting_user=SYSTEM)


def test_the_sentences_count_venues_once_and_link_to_their_lists(users):
    grid = users["grid"].division
    ktv = [make_venue(grid, "ktv") for _ in range(3)]
    netbar = make_venue(grid, "netbar")
    other = make_venue(grid, "other")
    now = timezone.now()
    today = timezone.localdate(now)
    _inspect(ktv[0], Finding.COMPLIANT, now)
    _inspect(ktv[0], Finding.COMPLIANT, now)  # twice the same day: one venue
    _inspect(ktv[1], Finding.RECTIFY, now)
    _inspect(netbar, Finding.SUSPEND, now)
    long_ago = now - dt.timedelta(days=40) if (today - dt.timedelta(days=40)).year == today.year else now
    _inspect(other, Finding.RECTIFY, long_ago)
    user = users["commander"]
    venues = venue_figures(user, today)
    day, year = inspection_figures(user, today, today), inspection_figures(user, dt.date(today.year, 1, 1), today)
    assert dict((s.code, n) for s, n in venues.by_sector) == {"netbar": 1, "ktv": 3, "other": 1}
    assert (day.inspected, day.rectify, day.suspend) == (3, 1, 1)
    assert dict((s.code, n) for s, n in day.by_sector) == {"netbar": 1, "ktv": 2}
    assert (year.inspected, year.rectify, year.suspend) == (4, 2, 1)
    text = sentence_text(venue_sentence(venues))
    assert text == "对全县5个重点公共场所（其中网吧、游戏厅1家，KTV 3家，其他经营场所1家）"
    assert sentence_text(inspection_sentence(day, year, today=today)) == (
        "今日检查网吧、游戏厅1家、KTV 2家，责令整改1家（今年以来，累计检查市场经营主体4家，下达整改2家，停业整顿1家）")
    # Every number is a link to a list of exactly that many venues.
    client = client_for(user)
    for words, n, url in venue_sentence(venues) + inspection_sentence(day, year, today=today):
        if n is not None:
            assert client.get(url).context["paginator"].count == n, (words, url)
    # The page writes both sentences, linked, for the date asked.
    page = client.get("/sectors/report/", {"date": today.isoformat()}).content.decode()
    assert re.sub(r"<[^>]+>", "", re.search(r'id="venue-sentence">(.*?)</p>', page).group(1)) == text
    assert 'href="/sectors/venues/?sector=' in page


def test_a_past_date_counts_what_was_there_that_day(users):
    make_venue(users["grid"].division, "bar")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    f = venue_figures(users["commander"], yesterday)
    assert "bar" not in {s.code for s, _n in f.by_sector}  # registered today
    day = inspection_figures(users["commander"], yesterday, yesterday)
    assert sentence_text(inspection_sentence(day, day, today=timezone.localdate())).startswith("当日未检查场所（今年以来")
