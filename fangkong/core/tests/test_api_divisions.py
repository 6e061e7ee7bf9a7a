"""/api/divisions/ (read-only) through the shared mixins: a user sees their own subtree."""

from __future__ import annotations

import itertools

from fangkong.core.choices import DivisionKind, DivisionLevel
from fangkong.core.models import Division
from fangkong.core.testkit import APITests, api_client_for, make_user

_grid_no = itertools.count(500)


class TestDivisionAPI(APITests.ReadOnly):
    model = Division
    api_basename = "division"
    # Any account sees its own subtree; only the anonymous are refused.
    user_in, user_out, user_none = "village", "village_other", None

    def make_object(self) -> Division:
        village = self.users["village"].division
        return Division.objects.create(
            code=f"{village.code}{next(_grid_no):03d}", name=f"{village.name}测试网格", level=DivisionLevel.GRID,
            kind=DivisionKind.GRID, parent=village,
        )


def test_it_shows_nothing_to_an_account_without_a_division(county):
    user = make_user("nodivision", None)
    response = api_client_for(user).get("/api/divisions/")
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_it_filters_by_level_inside_the_subtree(users):
    response = api_client_for(users["township"]).get("/api/divisions/", {"level": "grid", "page_size": 500})
    rows = response.json()["results"]
    assert rows
    assert all(r["level"] == "grid" and r["path"].startswith(users["township"].division.path) for r in rows)
