"""Every checkpoint model through the shared mixins: scope and audited actions, the API (with the
exit of a transit vehicle) and the generic pages (lists export to Excel)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.testkit import APITests, ScopeTests, ViewTests
from fangkong.core.testkit_pages import PageTests
from fangkong.sectors.actions_checkpoints import do_register_passage
from fangkong.sectors.checkpoint_intake import PersonIn, VehicleIn
from fangkong.sectors.choices import CheckpointKind, TransitStatus
from fangkong.sectors.models import Checkpoint, CheckpointShift, PersonCheck, VehicleCheck

from .factories_checkpoints import make_checkpoint, outsider_id

IN, OUT = "township", ("township_cadre", "village_other")
_plates = itertools.count(10000)


def _plate() -> str:
    return f"浙A{next(_plates)}"


class CheckpointData:
    model = Checkpoint
    user_in, user_out, user_none = IN, OUT, "lab"
    op_users = {"delete": ("commander", ("command_center", "village_other"), IN)}

    def make_object(self) -> Checkpoint:
        return make_checkpoint(self.users["grid"].division)

    def create_data(self) -> dict[str, Any]:
        n = Checkpoint.objects.count() + 1
        return {"code": f"NEW{n:04d}", "name": f"新设卡口{n}", "kind": CheckpointKind.VILLAGE_GATE,
                "division": self.users["grid"].division.pk, "road": "村口", "active": True}

    def update_data(self, obj: Checkpoint) -> dict[str, Any]:
        return {"road": "省道S213"}


class TestCheckpointScope(CheckpointData, ScopeTests.Full):
    def create_fields(self) -> dict[str, Any]:
        n = Checkpoint.objects.count() + 1
        return {"code": f"SC{n:04d}", "name": f"范围卡口{n}", "division": self.users["grid"].division}


class TestCheckpointAPI(CheckpointData, APITests.Full, APITests.Actions):
    api_basename = "sectors-checkpoint"
    api_actions = ("exit",)

    def action_data(self, action: str, obj: Checkpoint) -> dict[str, Any]:
        plate = _plate()  # a transit vehicle in the county, written as data (its registration is tested elsewhere)
        VehicleCheck.objects.create(checkpoint_id=obj.pk, division_id=obj.division_id, plate=plate,
                                    registered_at=timezone.now() - dt.timedelta(hours=1),
                                    transit=TransitStatus.IN_TRANSIT, dedup_key=f"test-{plate}")
        return {"plate": plate}


class TestCheckpointPages(CheckpointData, PageTests.Full):
    model = Checkpoint

    def edit_form_data(self, obj: Checkpoint) -> dict[str, Any]:
        return {"code": obj.code, "name": obj.name, "kind": obj.kind, "division": obj.division_id, "road": "省道S213",
                "active": "on", "opened_on": "", "note": ""}

    def list_params(self) -> dict[str, str]:
        return {"q": "测试卡口"}

    def create_data(self) -> dict[str, Any]:
        return {**super().create_data(), "active": "on", "opened_on": "", "note": ""}


class ShiftData:
    model = CheckpointShift
    user_in, user_out, user_none = IN, OUT, "lab"
    op_users = {"delete": ("commander", ("command_center", "village_other"), "grid")}

    def make_object(self) -> CheckpointShift:
        start = timezone.now().replace(minute=0, second=0, microsecond=0)
        return CheckpointShift.objects.create(checkpoint=make_checkpoint(self.users["grid"].division),
                                              starts_at=start, ends_at=start + dt.timedelta(hours=8), leader="值班甲")

    def create_data(self) -> dict[str, Any]:
        cp = make_checkpoint(self.users["grid"].division)
        start = timezone.localtime().replace(minute=0, second=0, microsecond=0)
        return {"checkpoint": cp.pk, "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
                "ends_at": (start + dt.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"), "leader": "值班乙",
                "leader_phone": "", "staff": "张三、李四"}

    def update_data(self, obj: CheckpointShift) -> dict[str, Any]:
        return {"staff": "王五、赵六"}


class TestShiftScope(ShiftData, ScopeTests.Full):
    def create_fields(self) -> dict[str, Any]:
        start = timezone.now()
        return {"checkpoint": make_checkpoint(self.users["grid"].division), "starts_at": start,
                "ends_at": start + dt.timedelta(hours=4), "leader": "值班丙"}


class TestShiftAPI(ShiftData, APITests.Full):
    api_basename = "sectors-checkpointshift"


class TestShiftPages(ShiftData, PageTests.Full):
    model = CheckpointShift

    def edit_form_data(self, obj: CheckpointShift) -> dict[str, Any]:
        fmt = "%Y-%m-%dT%H:%M"
        return {"checkpoint": obj.checkpoint_id, "starts_at": timezone.localtime(obj.starts_at).strftime(fmt),
                "ends_at": timezone.localtime(obj.ends_at).strftime(fmt), "leader": obj.leader, "leader_phone": "",
                "staff": "王五、赵六"}

    def list_params(self) -> dict[str, str]:
        return {"date": timezone.localdate().isoformat()}


class VehicleData:
    model = VehicleCheck
    user_in, user_out, user_none = IN, OUT, "lab"

    def make_object(self) -> VehicleCheck:
        cp = make_checkpoint(self.users["grid"].division)
        written = do_register_passage(cp, vehicle=VehicleIn(_plate(), cargo="蔬菜"), acting_user=SYSTEM)
        return VehicleCheck.objects.get(pk=written.vehicles[0])


class TestVehicleScope(VehicleData, ScopeTests.Read):
    pass


class TestVehicleAPI(VehicleData, APITests.ReadOnly):
    api_basename = "sectors-vehiclecheck"


class TestVehiclePages(VehicleData, PageTests.Forbidden, PageTests.Export, ViewTests.Detail):
    model = VehicleCheck

    def list_params(self) -> dict[str, str]:
        return {"date_from": timezone.localdate().isoformat()}


class PersonData:
    model = PersonCheck
    user_in, user_out, user_none = IN, OUT, "lab"

    def make_object(self) -> PersonCheck:
        cp = make_checkpoint(self.users["grid"].division)
        written = do_register_passage(cp, persons=[PersonIn("钱测试", outsider_id(), "13911112222")], acting_user=SYSTEM)
        return PersonCheck.objects.get(pk=written.persons[0])


class TestPersonScope(PersonData, ScopeTests.Read):
    pass


class TestPersonAPI(PersonData, APITests.ReadOnly):
    api_basename = "sectors-personcheck"


class TestPersonPages(PersonData, PageTests.Forbidden, PageTests.Export, ViewTests.Detail):
    model = PersonCheck

    def list_params(self) -> dict[str, str]:
        return {"q": "钱测试"}
