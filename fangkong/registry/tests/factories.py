"""Objects for registry tests, placed in a given grid (valid, unique ID numbers and phones)."""

from __future__ import annotations

import itertools

from fangkong.core.identity import check_digit
from fangkong.core.models import Division
from fangkong.registry.models import Household, Resident

_serial = itertools.count(1)
# Names the generator never produces, so a search for them finds only test rows.
TEST_NAME = "测试"


def unused_id_number(region: str) -> str:
    """A valid 18-digit ID number born 1990-2010 in `region` that no resident holds yet."""
    while True:
        n = next(_serial)
        first17 = f"{region}{1990 + n % 20}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
        number = first17 + check_digit(first17)
        if not Resident.objects.filter(id_number=number).exists():
            return number


def unused_phone() -> str:
    while True:
        phone = f"199{next(_serial) + 40_000_000:08d}"
        if not Resident.objects.filter(phone=phone).exists():
            return phone


def make_household(grid: Division) -> Household:
    n = next(_serial)
    return Household.objects.create(code=f"T{grid.code}{n:05d}", grid=grid, address=f"测试路{n}号", head_name=TEST_NAME)


def make_resident(grid: Division, **fields) -> Resident:
    values = {
        "name": f"{TEST_NAME}{'甲乙丙丁戊己庚辛壬癸'[next(_serial) % 10]}",
        "id_number": unused_id_number(grid.code[:6]),
        "phone": unused_phone(),
        "address": "测试路1号",
        "grid": grid,
        **fields,
    }
    return Resident.objects.create(**values)
