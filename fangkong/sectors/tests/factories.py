"""Objects for the sectors tests: valid, unique 统一社会信用代码 and venues in a given grid."""

from __future__ import annotations

import itertools

from stdnum.cn import uscc

from fangkong.core.actions import SYSTEM
from fangkong.core.models import Division
from fangkong.sectors.models import Sector, Venue

_serial = itertools.count(1)


def credit_code(n: int | None = None, region: str = "411000") -> str:
    """A valid 统一社会信用代码 (GB 32100) no venue holds yet."""
    while True:
        first17 = f"91{region}MA{(n if n is not None else next(_serial) + 500_000):06d}X"
        code = first17 + uscc.calc_check_digit(first17)
        if n is not None or not Venue.objects.filter(credit_code=code).exists():
            return code


def sector(code: str = "ktv") -> Sector:
    return Sector.objects.get(code=code)


def make_venue(grid: Division, sector_code: str = "ktv", **fields) -> Venue:
    n = next(_serial)
    values = {"name": f"测试场所{n}", "credit_code": credit_code(), "sector": sector(sector_code),
              "address": f"测试路{n}号", "grid": grid, "manager_name": "张经理", "manager_phone": f"1390000{n % 10000:04d}",
              "regulator_unit": "县文旅局", "regulator_name": "李监管", "capacity": 100, **fields}
    return Venue.objects.create(**values)


def answers_for(venue: Venue, answer: str, **overrides: str) -> dict[str, str]:
    from fangkong.sectors.actions import current_checklist

    checklist = current_checklist(venue.sector)
    return {str(i.pk): overrides.get(i.text, answer) for i in checklist.items.all()}


def inspect(venue: Venue, finding: str, answer: str, **kwargs):
    from fangkong.sectors.actions import do_inspect

    return do_inspect(venue, finding=finding, answers=answers_for(venue, answer), acting_user=kwargs.pop("acting_user", SYSTEM),
                      **kwargs)
