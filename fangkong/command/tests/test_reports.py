"""Daily reports and zero reports (日报、零报告): filed explicitly, a missing one listed, a late one
late for good, and the on-time and completeness rates against figures computed by hand."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from fangkong.command.actions import do_file_report
from fangkong.command.choices import ReportState
from fangkong.command.models import DailyReport
from fangkong.core.actions import SYSTEM
from fangkong.core.testkit import client_for
from fangkong.metrics.catalog import get as metric
from fangkong.metrics.command import day_states, percent, rates, state_of, total_rates

from .factories import file, local, township_unit

D = dt.date(2026, 7, 10)


@pytest.fixture
def towns(users):
    a = township_unit(users["township"].division, reports_since=D - dt.timedelta(days=4))
    b = township_unit(users["village_other"].division.parent, reports_since=D - dt.timedelta(days=2))
    return a, b


def test_a_zero_report_is_filed_explicitly_never_assumed(users, towns):
    a, _b = towns
    cadre = users["township"]
    with pytest.raises(ValidationError, match="零报告"):
        do_file_report(a, D, nothing_to_report=False, content="  ", acting_user=cadre, now=local(D, 9))
    with pytest.raises(ValidationError, match="零报告不能填写情况内容"):
        do_file_report(a, D, nothing_to_report=True, content="发现一名发热人员", acting_user=cadre, now=local(D, 9))
    assert not DailyReport.objects.filter(unit=a).exists()
    report = do_file_report(a, D, nothing_to_report=True, acting_user=cadre, now=local(D, 9),
                            figures=[["当日排查涉疫风险人员", "0"]])
    assert report.nothing_to_report and not report.late and report.filed_by == cadre
    assert report.figures == [["当日排查涉疫风险人员", "0"]]
    assert state_of(a, D, report, local(D, 17)) == ReportState.ON_TIME


def test_the_page_refuses_a_report_that_is_neither_lines_nor_zero(users, towns):
    a, _b = towns
    client = client_for(users["township"])
    response = client.post(reverse("command:report_file"), {"unit": a.pk, "content": ""})
    assert response.status_code == 200
    assert "零报告须明确报送" in response.content.decode()
    assert not DailyReport.objects.filter(unit=a).exists()
    response = client.post(reverse("command:report_file"), {"unit": a.pk, "kind": "zero", "content": "",
                                                            "figure_label": ["当日排查涉疫风险人员"], "figure_value": ["0"]})
    assert response.status_code == 302
    report = DailyReport.objects.get(unit=a)
    assert report.nothing_to_report and report.day == timezone.localdate()


def test_only_the_units_own_people_file_its_report(users, towns):
    a, b = towns
    with pytest.raises(PermissionDenied):
        do_file_report(b, D, nothing_to_report=True, acting_user=users["township"], now=local(D, 9))
    with pytest.raises(PermissionDenied):
        do_file_report(a, D, nothing_to_report=True, acting_user=users["commander"], now=local(D, 9))
    with pytest.raises(ValidationError, match="未来"):
        do_file_report(a, D + dt.timedelta(days=1), nothing_to_report=True, acting_user=SYSTEM, now=local(D, 9))


def test_a_missing_report_is_listed_once_its_deadline_has_passed(users, towns):
    a, b = towns
    file(b, D, at=local(D, 10))
    commander = users["commander"]
    before = {r.unit: r.state for r in day_states(commander, D, local(D, 15, 59))}
    assert before == {a: ReportState.PENDING, b: ReportState.ON_TIME}
    after = {r.unit: r.state for r in day_states(commander, D, local(D, 16, 1))}
    assert after == {a: ReportState.MISSING, b: ReportState.ON_TIME}
    # Before a unit began reporting nothing is due from it.
    assert {r.unit for r in day_states(commander, D - dt.timedelta(days=3), local(D, 17))} == {a}


def test_the_overview_lists_who_has_not_filed(users, towns):
    a, b = towns
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    a.reports_since = b.reports_since = yesterday
    a.save()
    b.save()
    file(b, yesterday, at=local(yesterday, 9))
    response = client_for(users["commander"]).get(reverse("command:report_overview"), {"day": yesterday.isoformat()})
    assert response.status_code == 200
    assert [r.unit for r in response.context["missing"]] == [a]
    html = response.content.decode()
    assert str(metric("command.reports_missing").definition) in html
    # A township cadre oversees their own unit only.
    response = client_for(users["township"]).get(reverse("command:report_overview"), {"day": yesterday.isoformat()})
    assert [r.unit for r in response.context["states"]] == [a]


def test_a_late_report_stays_late(users, towns):
    a, _b = towns
    report = file(a, D, at=local(D, 16, 30), zero=False, content="发现外地返乡人员3人，已落实居家健康监测")
    assert report.late and report.due_at == local(D, 16)
    with pytest.raises(ValidationError, match="已报送"):
        file(a, D, at=local(D, 17))
    a.report_time = dt.time(18, 0)  # a later deadline set afterwards does not make it on time
    a.save()
    report.refresh_from_db()
    assert report.late
    assert state_of(a, D, report, local(D + dt.timedelta(days=3), 9)) == ReportState.LATE
    [r] = rates([a], D, D, local(D + dt.timedelta(days=3), 9))
    assert (r.due, r.filed, r.on_time) == (1, 1, 0)


def test_the_rates_match_figures_computed_by_hand(users, towns):
    a, b = towns
    d = [D - dt.timedelta(days=k) for k in range(5)]  # d[0] = D … d[4] = D-4
    file(a, d[4], at=local(d[4], 10))                  # on time
    file(a, d[3], at=local(d[3], 18))                  # late
    # d[2]: A files nothing
    file(a, d[1], at=local(d[1], 15, 59))              # on time (zero report)
    file(a, d[0], at=local(d[0], 11), zero=False, content="正常")
    file(b, d[2], at=local(d[1], 9))                   # late, filed the next morning
    file(b, d[1], at=local(d[1], 12))                  # on time
    # d[0]: B files nothing
    now = local(D, 17)
    ra, rb = rates([a, b], d[4], D, now)
    # A reports from D-4: 5 days due, 4 filed, 3 on time.  B from D-2: 3 due, 2 filed, 1 on time.
    assert (ra.due, ra.filed, ra.on_time, ra.missing) == (5, 4, 3, 1)
    assert (rb.due, rb.filed, rb.on_time, rb.missing) == (3, 2, 1, 1)
    assert (ra.completeness, ra.timeliness) == (Fraction(4, 5), Fraction(3, 5))
    assert (rb.completeness, rb.timeliness) == (Fraction(2, 3), Fraction(1, 3))
    total = total_rates([ra, rb])
    assert (total.due, total.filed, total.on_time) == (8, 6, 4)
    assert [percent(x) for x in (ra.completeness, ra.timeliness, rb.completeness, rb.timeliness,
                                 total.completeness, total.timeliness)] == [
        "80.0%", "60.0%", "66.7%", "33.3%", "75.0%", "50.0%"]
    # Before today's deadline, today is not yet due.
    ra, rb = rates([a, b], d[4], D, local(D, 15))
    assert (ra.due, ra.filed, ra.on_time, rb.due) == (4, 3, 2, 2)
    assert percent(None) == "—"
