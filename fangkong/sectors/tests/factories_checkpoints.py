"""Objects for the checkpoint tests: checkpoints, valid ID numbers of people from elsewhere, risk areas."""

from __future__ import annotations

import datetime as dt
import itertools

from fangkong.core.identity import check_digit
from fangkong.core.models import Division
from fangkong.sectors.choices import CheckpointKind
from fangkong.sectors.models import Checkpoint

_serial = itertools.count(1)


def outsider_id(n: int | None = None, region: str = "110105") -> str:
    """A valid 18-digit ID number of someone born elsewhere (no resident of the test county holds it)."""
    n = next(_serial) if n is None else n
    first17 = f"{region}1985{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return first17 + check_digit(first17)


def make_checkpoint(division: Division, kind: str = CheckpointKind.COUNTY_BORDER, **fields) -> Checkpoint:
    n = next(_serial)
    return Checkpoint.objects.create(code=fields.pop("code", f"KK{n:04d}"), name=fields.pop("name", f"测试卡口{n}"),
                                     kind=kind, division=division, **fields)


def make_risk_area(province: str = "上海市", city: str = "", county: str = "浦东新区", level: str = "high",
                   since: dt.date | None = None, lifted_on: dt.date | None = None):
    from django.utils import timezone

    from fangkong.control.models import RiskArea

    since = since or timezone.localdate() - dt.timedelta(days=5)
    return RiskArea.objects.create(province=province, city=city, county=county, level=level, effective_from=since,
                                   lifted_on=lifted_on)
