"""Small factories for the testing area's mixin tests: every object lands in a given grid."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from fangkong.core.models import Batch, Division
from fangkong.registry.models import Resident
from fangkong.testing.models import (
    CoverageGap,
    CoverageRollup,
    Exemption,
    HouseholdWeekRollup,
    KeyGroup,
    KeyGroupMember,
    MissRecord,
    ResamplingTask,
    Sample,
    Sampling,
    SamplingRound,
    SamplingSite,
    UnmatchedResult,
)

_serial = itertools.count(1)


def resident_in(grid: Division, n: int = 0) -> Resident:
    return Resident.objects.filter(grid=grid).order_by("id")[n % 50]


def make_round(division: Division) -> SamplingRound:
    return SamplingRound.objects.create(name=f"测试轮次{next(_serial)}", division=division,
                                        starts_on=dt.date(2022, 7, 4), ends_on=dt.date(2022, 7, 6))


def make_site(grid: Division) -> SamplingSite:
    return SamplingSite.objects.create(name=f"测试采样点{next(_serial)}", division=grid)


def make_sample(grid: Division) -> Sample:
    return Sample.objects.create(barcode=f"F{next(_serial):08d}", division=grid, opened_at=timezone.now())


def make_sampling(grid: Division) -> Sampling:
    r = resident_in(grid)
    return Sampling.objects.create(sample=make_sample(grid), resident=r, id_number=r.id_number, name=r.name,
                                   phone=r.phone, division=grid, sampled_at=timezone.now())


def make_rollup(grid: Division) -> CoverageRollup:
    return CoverageRollup.objects.create(round=make_round(grid), division=grid, level="grid", expected=10,
                                         sampled=7, untested=3, computed_at=timezone.now())


def make_gap(grid: Division) -> CoverageGap:
    return CoverageGap.objects.create(round=make_round(grid), resident=resident_in(grid, next(_serial)), division=grid)


def make_task(grid: Division) -> ResamplingTask:
    r = resident_in(grid, next(_serial))
    now = timezone.now()
    return ResamplingTask.objects.create(resident=r, id_number=r.id_number, name=r.name, phone=r.phone, division=grid,
                                         source_sample=make_sample(grid), cause="pool_positive", created_at=now,
                                         due_at=now + dt.timedelta(hours=6))


def make_exemption(grid: Division) -> Exemption:
    return Exemption.objects.create(resident=resident_in(grid, next(_serial)), reason="bedridden")


def make_miss(grid: Division) -> MissRecord:
    return MissRecord.objects.create(round=make_round(grid), resident=resident_in(grid), reason="refused")


def make_unmatched(grid: Division) -> UnmatchedResult:
    batch = Batch.objects.create(kind="lab_result", division=grid)
    return UnmatchedResult.objects.create(barcode=f"U{next(_serial)}", result="negative", batch=batch, division=grid)


def make_key_group(grid: Division) -> KeyGroup:
    return KeyGroup.objects.create(name=f"快递员{next(_serial)}", division=grid, every_days=2)


def make_key_group_member(grid: Division) -> KeyGroupMember:
    r = resident_in(grid, next(_serial))
    return KeyGroupMember.objects.create(group=make_key_group(grid), resident=r, id_number=r.id_number, name=r.name,
                                         phone=r.phone, division=grid)


def make_household_week(grid: Division) -> HouseholdWeekRollup:
    return HouseholdWeekRollup.objects.create(division=grid, week_start=dt.date(2022, 1, 3) + dt.timedelta(
        weeks=next(_serial)), households=10, households_done=4, persons_done=11, computed_at=timezone.now())
