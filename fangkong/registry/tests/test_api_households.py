"""Households: scope and audited actions, and /api/households/, through the shared mixins."""

from __future__ import annotations

from typing import Any

from fangkong.core.testkit import APITests, ScopeTests
from fangkong.registry.models import Household

from .factories import make_household


class HouseholdData:
    model = Household
    user_in, user_out, user_none = "grid", "grid_other", "lab"
    op_users = {"delete": ("commander", ("command_center", "village_other"), "grid")}

    def make_object(self) -> Household:
        return make_household(self.users["grid"].division)

    def create_data(self) -> dict[str, Any]:
        grid = self.users["grid"].division
        return {"code": f"N{grid.code}{Household.objects.count():06d}", "grid": grid.pk, "address": "测试路9号",
                "head_name": "测试户主"}

    def update_data(self, obj: Household) -> dict[str, Any]:
        return {"address": "测试路10号"}


class TestHouseholdScope(HouseholdData, ScopeTests.Full):
    def create_fields(self) -> dict[str, Any]:
        grid = self.users["grid"].division
        return {"code": f"S{grid.code}{Household.objects.count():06d}", "grid": grid, "address": "测试路11号"}


class TestHouseholdAPI(HouseholdData, APITests.Full):
    api_basename = "household"


def test_deleting_a_household_audits_each_member_whose_link_is_cleared(users):
    from fangkong.core.actions import do_delete
    from fangkong.core.models import AuditLog
    from fangkong.registry.models import Resident

    household = Household.objects.filter(members__isnull=False).distinct().first()
    members, household_pk = sorted(household.members.values_list("pk", flat=True)), household.pk
    assert len(members) >= 2
    do_delete(household, acting_user=users["commander"])
    assert not Resident.objects.filter(pk__in=members, household__isnull=False).exists()
    rows = AuditLog.objects.filter(object_type="registry.resident", object_id__in=[str(pk) for pk in members],
                                   action="update")
    assert sorted(int(r.object_id) for r in rows) == members
    assert all(r.changes == {"household_id": [household_pk, None]} and r.actor == users["commander"] for r in rows)
    assert all(r.division_path for r in rows)  # scoped like the residents themselves


def test_a_household_a_sweep_still_visits_is_refused_with_a_reason_not_a_500(users):
    """Found by the API fuzzing (#17 item 5): DELETE of a household a sweep refers to answered 500."""
    import datetime as dt

    from django.utils import timezone

    from fangkong.core.testkit import api_client_for
    from fangkong.grid.actions.sweeps import do_start_sweep
    from fangkong.grid.models import Visit

    do_start_sweep(acting_user=users["commander"], name="排摸", areas=[users["village"].division],
                   due_at=timezone.now() + dt.timedelta(days=1))
    household = Visit.objects.first().household
    response = api_client_for(users["commander"]).delete(f"/api/households/{household.pk}/")
    assert response.status_code == 400 and "不能删除" in str(response.json())
    assert Household.objects.filter(pk=household.pk).exists()
