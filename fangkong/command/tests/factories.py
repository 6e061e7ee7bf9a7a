"""Objects for the command tests: a headquarters with a group, a task force and township units in
the test county, and dispatches and reports through the actions."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from fangkong.command.actions import do_add_member, do_dispatch, do_file_report
from fangkong.command.choices import MemberPosition, UnitKind
from fangkong.command.models import DailyReport, Dispatch, Unit
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import DivisionLevel
from fangkong.core.models import Division, User

_serial = itertools.count(1)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
PDF = b"%PDF-1.4\n%test\n"


def make_unit(division: Division, kind: str = UnitKind.GROUP, *, parent: Unit | None = None, name: str = "",
              leader: User | None = None, **fields) -> Unit:
    unit = Unit.objects.create(name=name or f"测试单位{next(_serial)}", kind=kind, division=division, parent=parent,
                               **fields)
    if leader is not None:
        do_add_member(unit, name=leader.full_name or leader.username, position=MemberPosition.LEADER, user=leader,
                      acting_user=SYSTEM)
    return unit


def hq(county: Division) -> Unit:
    """The county's headquarters (one per test database)."""
    unit = Unit.objects.filter(kind=UnitKind.HEADQUARTERS, division=county).first()
    return unit or make_unit(county, UnitKind.HEADQUARTERS, name="测试县疫情防控指挥部")


def township_unit(township: Division, **fields) -> Unit:
    unit = Unit.objects.filter(kind=UnitKind.TOWNSHIP, division=township).first()
    if unit is not None:
        return unit
    fields.setdefault("reports_daily", True)
    return make_unit(township, UnitKind.TOWNSHIP, parent=hq(county_of(township)), name=township.name, **fields)


def county_of(division: Division) -> Division:
    return division.ancestors().filter(level=DivisionLevel.COUNTY).first() or division


def dispatch_to(*units: Unit, hours: int = 24, acting_user=SYSTEM, now: dt.datetime | None = None, **fields) -> Dispatch:
    now = now or timezone.now()
    values = {"title": f"测试交办{next(_serial)}", "content": "请立即落实", "units": list(units),
              "due_at": now + dt.timedelta(hours=hours), "division": units[0].division if acting_user is SYSTEM else None,
              **fields}
    return do_dispatch(acting_user=acting_user, now=now, **values)


def file(unit: Unit, day: dt.date, *, at: dt.datetime, zero: bool = True, content: str = "") -> DailyReport:
    return do_file_report(unit, day, nothing_to_report=zero, content=content, acting_user=SYSTEM, now=at)


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def supervision_group(county: Division, leader: User | None = None, **fields) -> Unit:
    """A supervision group (督导组) under the county's headquarters."""
    return make_unit(county, UnitKind.SUPERVISION, parent=hq(county), leader=leader, **fields)


def visit_to(group: Unit, unit: Unit, *, day: dt.date | None = None, unannounced: bool = False, acting_user=SYSTEM):
    from fangkong.command.actions import do_record_visit

    return do_record_visit(acting_user=acting_user, group=group, unit=unit, day=day or timezone.localdate(),
                           members="督导组成员甲、乙", unannounced=unannounced, summary="检查卡口和网格排查")


def finding_at(visit, category: str, *, acting_user=SYSTEM, description: str = "卡口外来车辆登记信息不全"):
    from fangkong.command.actions import do_record_finding

    return do_record_finding(visit, acting_user=acting_user, category=category, description=description)


def centre_office(county: Division) -> Unit:
    """The headquarters' office (指挥部办公室): its person on duty is the command centre's."""
    unit = Unit.objects.filter(kind=UnitKind.OFFICE, division=county).first()
    return unit or make_unit(county, UnitKind.OFFICE, parent=hq(county), name="指挥部办公室")


def shift(unit: Unit, day: dt.date, start: dt.time = dt.time(8, 30), end: dt.time = dt.time(8, 30), *,
          leader: User | None = None, officer: User | None = None, acting_user=SYSTEM):
    from fangkong.command.models import DutyShift
    from fangkong.core.actions import do_create

    return do_create(DutyShift, acting_user=acting_user, verb="create_duty_shift", unit=unit, day=day, start=start,
                     end=end, leader=leader, officer=officer)


def person(username: str, division: Division, role: str, phone: str) -> User:
    from fangkong.core.testkit import make_user

    user = make_user(username, division, role)
    user.full_name, user.phone = f"{username}姓名", phone
    user.save(update_fields=["full_name", "phone"])
    return user
