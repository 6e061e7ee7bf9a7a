"""Every page that prints a figure prints the same number: the board page and the board API,
the control dashboard's cards, its township table and its total."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.control.tests import factories as F
from fangkong.core.choices import MeasureKind
from fangkong.core.testkit import client_for
from fangkong.metrics import catalog
from fangkong.metrics.control import control_figures
from fangkong.metrics.screening import push_figures, push_sentence, screening_figures, screening_sentence
from fangkong.screening.choices import BoardMetric


def test_the_board_page_and_the_api_print_the_same_figures(users, known):
    day = dt.date(2022, 7, 1)
    commander = users["commander"]
    page = client_for(commander).get("/screening/board/", {"start": "2022-07-01", "end": "2022-07-01",
                                                            "since": "2022-07-01"})
    api = APIClient()
    api.force_authenticate(commander)
    data = api.get("/api/screening/board/2022-07-01/2022-07-01/", {"since": "2022-07-01"}).json()
    assert [n for _m, n in page.context["total"]] == [data["total"][m.value] for m in BoardMetric]
    assert page.context["sentence_total"] == data["sentence_total"] == screening_sentence(
        screening_figures(commander, day, day))
    assert page.context["sentence_push"] == data["sentence_push"] == push_sentence(push_figures(commander, day, day))
    html = page.content.decode()
    for m in BoardMetric:  # each column explains what it counts
        assert str(catalog.get(f"board.{m.value}").definition) in html


def test_the_dashboard_cards_table_and_total_agree(users):
    F.standard_policy()
    today = timezone.localdate()
    for kind in (MeasureKind.HOME_ISOLATION, MeasureKind.HOME_ISOLATION, MeasureKind.HEALTH_MONITORING):
        F.start(F.person(), today, kind=kind)
    f = control_figures(users["commander"], today)
    assert f.total == sum(total for _name, _counts, total in f.by_township) >= 3
    assert [sum(col) for col in zip(*(counts for _n, counts, _t in f.by_township), strict=True)] == [
        f.by_kind[k.value] for k in MeasureKind]
    ctx = client_for(users["commander"]).get("/control/").context
    assert dict(ctx["kind_totals"]) == {k.label: f.by_kind[k.value] for k in MeasureKind}
    assert ctx["figures"] == f
