"""24小时内密接全部管控到位的病例占比: counted per case, late or never controlled is not in time."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.metrics import catalog
from fangkong.metrics.tracing import contacts_controlled_figures
from fangkong.tracing.actions import do_mark_contact_controlled
from fangkong.tracing.choices import ContactCategory
from fangkong.tracing.tests import factories as F


def test_it_counts_the_cases_whose_contacts_were_all_controlled_within_24_hours(users):
    grid = users["grid"].division
    now = timezone.now()
    reported = now - dt.timedelta(hours=30)
    in_time = F.open_case(grid, reported_at=reported)
    c = F.contact(in_time)
    do_mark_contact_controlled(c, at=reported + dt.timedelta(hours=23), acting_user=SYSTEM)
    F.contact(in_time, category=ContactCategory.GENERAL)  # not controlled, and needs not be
    late = F.open_case(grid, reported_at=reported)
    do_mark_contact_controlled(F.contact(late), at=reported + dt.timedelta(hours=25), acting_user=SYSTEM)
    do_mark_contact_controlled(F.contact(late, category=ContactCategory.SECONDARY, via=late.contacts.first()),
                               at=reported + dt.timedelta(hours=2), acting_user=SYSTEM)
    never = F.open_case(grid, reported_at=reported)
    F.contact(never)
    F.open_case(grid, reported_at=reported)  # no contacts: not counted either way

    day = timezone.localdate(reported)
    figures = contacts_controlled_figures(users["cdc"], day - dt.timedelta(days=1), day + dt.timedelta(days=1))
    assert (figures.cases, figures.in_time, figures.share) == (3, 1, 33.3)
    assert contacts_controlled_figures(users["lab"], day, day).cases == 0
    other = contacts_controlled_figures(users["village_other"], day, day)
    assert other.cases == 0
    assert catalog.get("tracing.contacts_controlled_24h").unit == "%"
