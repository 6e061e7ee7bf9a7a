"""复工复产 figures: each number equals the rows of the list it links to; the outcomes add up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.models import Division
from fangkong.core.testkit import client_for
from fangkong.metrics.resumption import resumption_figures, resumption_sentence
from fangkong.screening.tests.helpers import outsider_id
from fangkong.sectors.actions_resumption import do_apply_resumption, do_decide_resumption
from fangkong.sectors.choices import Answer, Finding, ResumptionStatus
from fangkong.sectors.tests.factories import inspect, make_venue

pytestmark = pytest.mark.django_db


def _app(grid, n, decision=None, days_ago=0):
    venue = make_venue(grid, sector_code="factory")
    now = timezone.now() - dt.timedelta(days=days_ago)
    app = do_apply_resumption(venue, applicant_name="申请人", plan="方案", now=now, acting_user=SYSTEM,
                              staff=[{"name": "员工", "id_number": outsider_id(200 + n)}])
    if decision:
        inspect(venue, Finding.COMPLIANT, Answer.YES, inspected_at=now + dt.timedelta(minutes=5))
        do_decide_resumption(app, decision=decision, conditions="" if decision == ResumptionStatus.APPROVED else "限流",
                             acting_user=SYSTEM)
    return app


def test_resumption_figures_match_their_lists(users):
    grid = users["grid"].division
    _app(grid, 1, ResumptionStatus.APPROVED, days_ago=9)  # due: inspected nine days ago
    _app(grid, 2, ResumptionStatus.APPROVED)
    _app(grid, 3, ResumptionStatus.CONDITIONAL)
    _app(grid, 4, ResumptionStatus.REFUSED)
    _app(grid, 5)
    township = users["township"].division
    _app(Division.objects.filter(level="grid").exclude(path__startswith=township.path).first(), 6)  # elsewhere
    today = timezone.localdate()
    f = resumption_figures(users["township"], today - dt.timedelta(days=30), today)
    assert (f.approved, f.conditional, f.refused, f.waiting, f.due) == (2, 1, 1, 1, 1)
    assert f.approved + f.conditional + f.refused + f.waiting == f.applied == 5
    client = client_for(users["township"])
    for _text, n, url in resumption_sentence(f):
        if n is not None:
            assert len(client.get(url).context["rows"]) == n, url
