"""管控总览 reads roll-up counts (`ActiveMeasureCount`, `MeasureDayCount`): after each kind of write,
one at a time (start, check-in, door check, test results, extension, release into the next step,
early release, a room, a transfer's arrival, a policy re-applied), the counts kept equal the counts
from the rows, and the dashboard every user sees equals the dashboard counted live."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import MeasureKind
from fangkong.core.testkit import ScopeTests
from fangkong.metrics.control import control_figures, control_figures_live

from .. import actions
from ..choices import ContactType, DayTally, RiskLevel, TestStatus
from ..models import NO_SITE, ActiveMeasureCount, MeasureDayCount
from ..rollups import live_counts, rebuild_control_rollups, stored_counts
from . import factories as F
from .test_mixins import InGrid

D = dt.date
USERS = ("commander", "township", "grid", "grid_other", "cdc", "site", "lab")


def _agree(users, step: str, on: dt.date) -> None:
    assert stored_counts() == live_counts(), step
    for name in USERS:
        for day in (on - dt.timedelta(days=1), on, on + dt.timedelta(days=1), on + dt.timedelta(days=8)):
            assert control_figures(users[name], day) == control_figures_live(users[name], day), (step, name, day)
    for model in (ActiveMeasureCount, MeasureDayCount):  # a count brought to zero leaves no row
        assert not model.objects.filter(n=0).exists(), (step, model)


def test_every_kind_of_write_keeps_the_dashboard_counts(db, users):
    v1 = F.standard_policy()
    on = D(2022, 8, 5)
    boss, cdc = users["commander"], users["cdc"]
    site = F.site()
    actions.do_set_site_staff(site, [users["site"]], acting_user=boss)
    F.area(RiskLevel.MEDIUM, D(2022, 8, 1), township="增村镇")
    m: dict = {}
    at = dt.datetime(2022, 8, 5, 10, 0, tzinfo=timezone.get_current_timezone())
    steps = [
        ("start", lambda: m.update(
            contact=F.start(F.person(), on, contact_type=ContactType.CLOSE_CONTACT, site=site),
            home=F.start(F.person(), on, kind=MeasureKind.HOME_ISOLATION),
            medium=[F.start(F.person(), on, left_on=D(2022, 8, 4)) for _ in range(2)],
            monitor=F.start(F.person(), on, kind=MeasureKind.HEALTH_MONITORING))),
        ("check-in", lambda: actions.do_check_in(m["home"], source="grid_worker", temperature=36.5, at=at,
                                                 acting_user=SYSTEM)),
        ("door check", lambda: actions.do_door_check(m["home"], outcome="present", at=at, acting_user=SYSTEM)),
        ("door check again", lambda: actions.do_door_check(m["home"], outcome="present", acting_user=SYSTEM,
                                                           at=at + dt.timedelta(hours=2))),
        ("room", lambda: actions.do_assign_room(m["contact"], site.rooms.first(), acting_user=boss)),
        ("test results", lambda: [actions.do_record_test_result(t, result=TestStatus.NEGATIVE, acting_user=boss)
                                  for t in m["contact"].tests.all()]),
        ("extend", lambda: actions.do_extend_measure(m["home"], days=3, reason="密接者阳性", acting_user=boss)),
        ("release into the next step", lambda: m.update(nxt=actions.do_release_measure(
            m["contact"], on=D(2022, 8, 12), acting_user=boss))),
        ("early release", lambda: actions.do_early_release(m["monitor"], reason="排除", acting_user=cdc)),
        ("transfer", lambda: _transfer(F.start(F.person(), on, contact_type=ContactType.CLOSE_CONTACT),
                                       F.site("别的隔离点"), users)),
        ("policy re-applied", lambda: _reapply(v1, cdc)),
    ]
    for step, run in steps:
        with audit.audit_context(actor=boss):
            run()
        _agree(users, step, on)
    f = control_figures(boss, on)
    # in force: the medium-risk pair re-planned to central quarantine, the transferred contact (at the
    # other site), the extended home isolation (checked on the 5th) and the contact's next step at home
    assert (f.by_kind[MeasureKind.CENTRAL_QUARANTINE], f.total, f.by_site) == (3, 5, [("别的隔离点", 1)])
    assert (f.home_unchecked, f.no_checkin) == (1, 4)
    assert control_figures(boss, on + dt.timedelta(days=8)).overdue_tests > 0
    assert control_figures(users["site"], on).total == 0  # nobody left at the site it works at


def _transfer(measure, other, users) -> None:
    t = actions.do_transfer(measure, site=other, vehicle="冀A·1", escort="王", acting_user=users["commander"],
                            planned_at=timezone.now())
    actions.do_advance_transfer(t, acting_user=users["commander"])
    actions.do_advance_transfer(t, acting_user=users["commander"])


def _reapply(v1, cdc) -> None:
    draft = actions.do_create_draft(v1, acting_user=cdc)
    actions.do_save_rule(draft.rules.get(name="中风险区"), [(MeasureKind.CENTRAL_QUARANTINE, 3),
                                                          (MeasureKind.HOME_ISOLATION, 4)], acting_user=cdc)
    actions.do_publish_policy(draft, reapply=True, on=D(2022, 8, 6), acting_user=cdc)


def test_a_rebuild_restores_the_dashboard_counts(db, users):
    F.standard_policy()
    today = timezone.localdate()
    home = F.start(F.person(), today, kind=MeasureKind.HOME_ISOLATION)
    actions.do_door_check(home, outcome="present", acting_user=SYSTEM)
    F.start(F.person(), today, contact_type=ContactType.CLOSE_CONTACT)
    kept = stored_counts()
    assert kept == live_counts() and kept["activemeasurecount"]
    ActiveMeasureCount.objects.all().delete()
    MeasureDayCount.objects.update(n=5)
    assert rebuild_control_rollups()["activemeasurecount"] == len(kept["activemeasurecount"])
    assert stored_counts() == kept
    ActiveMeasureCount.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_board_rollups", stdout=out)  # the one job and command rebuild every roll-up
    assert "activemeasurecount" in out.getvalue() and "personcount" in out.getvalue()
    assert stored_counts() == kept


# The counts are read with the scope of the measures they count: a grid's counts are its grid worker's.

class TestActiveMeasureCountScope(InGrid, ScopeTests.Restrict):
    model = ActiveMeasureCount
    scope_actions = ("view",)

    def make_object(self) -> ActiveMeasureCount:
        return ActiveMeasureCount.objects.create(division=self.grid(), kind=MeasureKind.HOME_ISOLATION,
                                                 site_id=NO_SITE, ends_on=D(2022, 8, 12), n=1)


class TestMeasureDayCountScope(InGrid, ScopeTests.Restrict):
    model = MeasureDayCount
    scope_actions = ("view",)

    def make_object(self) -> MeasureDayCount:
        return MeasureDayCount.objects.create(day=D(2022, 8, 5), what=DayTally.CHECK_IN, division=self.grid(),
                                              kind=MeasureKind.HOME_ISOLATION, site_id=NO_SITE, n=1)
