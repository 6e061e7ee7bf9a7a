"""People away and return reports for tests, over the test county (conftest.py)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.models import Division
from fangkong.registry.models import Resident

from ..actions import ReturnInput, do_file_return_report
from ..models import PersonAway, ReturnReport

_serial = itertools.count(1)


def away(grid: Division, *, province: str = "河北省", city: str = "石家庄市", county: str = "藁城区",
         watch: bool = False, resident: Resident | None = None, **fields) -> PersonAway:
    n = next(_serial)
    r = resident or Resident.objects.filter(grid=grid, id_number__isnull=False).exclude(phone="").order_by("id")[n % 20]
    defaults = {"name": r.name, "id_number": r.id_number or "", "phone": r.phone, "resident": r}
    return PersonAway.objects.create(grid=grid, province=province, city=city, county=county, watch=watch,
                                     since=timezone.localdate() - dt.timedelta(days=30), **{**defaults, **fields})


def item(division: Division, *, days: int = 1, hour: int = 15, **fields) -> ReturnInput:
    n = next(_serial)
    at = timezone.localtime().replace(hour=hour, minute=30, second=0, microsecond=0) + dt.timedelta(days=days)
    values = {"name": f"返县{n}", "phone": f"1370000{n:04d}", "province": "河北省", "city": "石家庄市",
              "county": "藁城区", "arrive_at": at, "division": division, "address": "幸福路1号"}
    return ReturnInput(**{**values, **fields})


def report(division: Division, acting_user=SYSTEM, **fields) -> ReturnReport:
    return do_file_return_report(item(division, **fields), acting_user=acting_user)[0]
