"""The synthetic county generator's fast paths write what the ORM would."""

from __future__ import annotations

from fangkong.core.identity import check_digit, clean_id_number
from fangkong.registry.generator import _CHECK, _ID_WEIGHTS
from fangkong.registry.models import Household, Resident


def test_it_computes_check_digits_as_gb_11643_does():
    first17s = ["11010519491231002", "44052418800101001", "13072419850301123", "65010220151231999"]
    fast = [_CHECK[sum(int(c) * w for c, w in zip(f, _ID_WEIGHTS, strict=True)) % 11] for f in first17s]
    assert fast == [check_digit(f) for f in first17s]


def test_it_writes_valid_residents_linked_to_their_households(county):
    residents = list(Resident.objects.select_related("household", "grid")[:500])
    assert len(residents) == 500
    for r in residents:
        assert clean_id_number(r.id_number) == r.id_number
        assert r.household.grid_id == r.grid_id and r.address == r.household.address
        assert r.birth_date is not None and r.sex in ("male", "female") and r.name_initials
        assert r.grid.path.startswith(county.path)


def test_it_leaves_the_id_sequences_ready_for_new_rows(county):
    grid = Resident.objects.first().grid
    household = Household.objects.create(code="NEW-0001", grid=grid, address="新地址1号")
    assert household.pk > Household.objects.exclude(pk=household.pk).order_by("-pk").first().pk
    resident = Resident.objects.create(name="新人", grid=grid, household=household)
    assert resident.pk > Resident.objects.exclude(pk=resident.pk).order_by("-pk").first().pk
