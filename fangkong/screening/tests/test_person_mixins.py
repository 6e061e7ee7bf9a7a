"""涉疫风险人员 (screening.Person): scope and /api/screening/persons/ through the shared mixins."""

from __future__ import annotations

import itertools

from fangkong.core.testkit import APITests, ScopeTests
from fangkong.registry.tests.factories import unused_id_number, unused_phone
from fangkong.screening.models import Person

_serial = itertools.count(1)


class PersonData:
    model = Person
    user_in, user_out, user_none = "grid", "grid_other", "lab"

    def make_object(self) -> Person:
        grid = self.users["grid"].division
        return Person.objects.create(
            name=f"测试{next(_serial)}号", id_number=unused_id_number(grid.code[:6]), phone=unused_phone(),
            address="测试路3号", division=grid,
        )


class TestPersonScope(PersonData, ScopeTests.Read):
    pass


class TestPersonAPI(PersonData, APITests.ReadOnly, APITests.Pii):
    api_basename = "screening-person"
