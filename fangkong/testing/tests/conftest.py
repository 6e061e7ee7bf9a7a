"""Fixtures of the testing area: a site in the first village, a round over two villages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.models import Division
from fangkong.registry.models import Resident
from fangkong.testing import actions
from fangkong.testing.choices import SampleStatus
from fangkong.testing.models import SamplingSite

NOW = dt.datetime(2022, 7, 4, 8, 0, tzinfo=timezone.get_fixed_timezone(480))


@pytest.fixture
def village(users) -> Division:
    return users["village"].division


@pytest.fixture
def other_village(users) -> Division:
    return users["village_other"].division


@pytest.fixture
def site(village) -> SamplingSite:
    return SamplingSite.objects.create(name="村委会采样点", division=village, address="村委会广场",
                                       opens_at=dt.time(7), closes_at=dt.time(18))


@pytest.fixture
def other_site(other_village) -> SamplingSite:
    return SamplingSite.objects.create(name="邻村采样点", division=other_village)


@pytest.fixture
def rnd(users, county, village, other_village):
    with audit.audit_context(users["commander"]):
        return actions.do_create_round(name="第1轮全员核酸", division=county, starts_on=timezone.localdate(), days=3,
                                       villages=[village, other_village], acting_user=users["commander"])


def present(village: Division, n: int | None = None, offset: int = 0) -> list[Resident]:
    """Present adults of a village, in a stable order."""
    qs = Resident.objects.filter(grid__parent=village, status="present",
                                 birth_date__lt=dt.date(2015, 1, 1)).order_by("id")
    rows = list(qs[offset:offset + n] if n else qs[offset:])
    return rows


def pool(site, rnd, people, barcode: str, *, by, capacity: int = 10, at=NOW, seal: bool = True):
    """A tube opened, filled with `people` and sealed by the sampler `by`."""
    sample = actions.do_open_tube(site, barcode, capacity, round=rnd, now=at, acting_user=by)
    for p in people:
        actions.do_bind_sample(sample, p.id_number, now=at, acting_user=by)
    if seal and sample.status == SampleStatus.OPEN:
        actions.do_seal_tube(sample, now=at, acting_user=by)
    return sample
