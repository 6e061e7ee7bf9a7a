"""Division tree: one-query ancestors and descendants, statistical code validation."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from fangkong.core.models import Division
from fangkong.core.models.divisions import validate_division_code


def test_ancestors_and_descendants_take_one_query_each(county, django_assert_num_queries):
    grid = Division.objects.filter(level="grid").first()
    with django_assert_num_queries(1):
        ancestors = list(grid.ancestors())
    assert [d.level for d in ancestors] == ["county", "township", "village"]
    assert all(grid.path.startswith(d.path) for d in ancestors)
    township = ancestors[1]
    with django_assert_num_queries(1):
        below = list(township.descendants())
    assert township not in below and grid in below
    assert all(d.path.startswith(township.path) for d in below)
    assert township in township.descendants(include_self=True)


def _error(code, level, parent=None) -> str:
    with pytest.raises(ValidationError) as exc:
        validate_division_code(code, level, parent)
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


def test_it_accepts_the_codes_of_each_level(county):
    township = county.children.first()
    village = township.children.first()
    validate_division_code("130724000000", "county")
    validate_division_code(f"{township.path}000", "township", county)
    validate_division_code(village.code, "village", township)
    validate_division_code(f"{village.code}123", "grid", village)


def test_it_rejects_bad_codes_with_chinese_reasons(county):
    township = county.children.first()
    village = township.children.first()
    assert "12位数字" in _error("13072410000", "township", county)
    assert "12位数字" in _error("13072410000A", "township", county)
    assert "15位数字" in _error(village.code, "grid", village)
    assert "应全为0" in _error("130724100001", "township", county)
    assert "不能全为0" in _error("130724000000", "township", county)
    assert "不能全为0" in _error(f"{village.code}000", "grid", village)
    assert "开头" in _error("130725100000", "township", county)
    assert "上级应为" in _error(f"{village.code}001", "grid", township)
    assert "必须指定上级" in _error(f"{village.code}001", "grid")
    assert "未知" in _error("130724000000", "planet")


def test_full_clean_runs_the_validation(county):
    township = county.children.first()
    division = Division(code="130724999000", name="测试镇", level="township", kind="town", parent=township)
    with pytest.raises(ValidationError) as exc:
        division.full_clean()
    assert "parent" in exc.value.message_dict
