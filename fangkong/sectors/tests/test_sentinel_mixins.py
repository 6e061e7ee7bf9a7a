"""Every sentinel model through the shared mixins: scope and audited actions, the API (with the
response to a signal) and the generic pages."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.testkit import APITests, ScopeTests
from fangkong.core.testkit.view_tests import ViewTests
from fangkong.core.testkit_pages import PageTests
from fangkong.sectors.choices import DrugClass, SignalMethod, SignalResponse
from fangkong.sectors.models import Drug, SentinelRecord, Signal, SignalRule
from fangkong.sectors.sentinel.actions import do_record_sentinel

from .factories import make_venue, sector
from .test_mixins import REG_IN, REG_OUT, NoDivision

_serial = itertools.count(1)


def make_record(grid) -> SentinelRecord:
    n = next(_serial)
    return do_record_sentinel(make_venue(grid, "pharmacy"), acting_user=SYSTEM, values={
        "drug": "连花清瘟", "name": f"测试购药{n}", "id_number": "", "phone": f"1380013{n:04d}",
        "occurred_at": "2026-12-01 10:00"})


def make_signal(grid) -> Signal:
    venue = make_venue(grid, "pharmacy")
    now = timezone.now()
    return Signal.objects.create(venue=venue, division=grid, day=timezone.localdate(), count=40, threshold=30,
                                 method=SignalMethod.THRESHOLD, raised_at=now, due_at=now + dt.timedelta(hours=24))


class RecordData:
    model = SentinelRecord
    # The CDC sees full ID numbers (APITests.Pii); a regulator views records masked.
    user_in, user_out, user_none = ("cdc", "township"), ("cdc", "village_other"), "lab"

    def make_object(self) -> SentinelRecord:
        record = make_record(self.users["grid"].division)
        SentinelRecord.objects.filter(pk=record.pk).update(id_number="110105199001011232")
        record.refresh_from_db()
        return record

    def create_data(self) -> dict[str, Any]:
        n = next(_serial)
        venue = make_venue(self.users["grid"].division, "pharmacy")
        return {"venue": venue.pk, "drug": "布洛芬", "quantity": 1, "name": f"接口购药{n}", "phone": f"1370013{n:04d}"}


class TestSentinelRecordScope(RecordData, ScopeTests.Read):
    pass


class TestSentinelRecordAPI(RecordData, APITests.Get, APITests.List, APITests.Create, APITests.Pii):
    api_basename = "sectors-sentinelrecord"


class TestSentinelRecordPages(RecordData, PageTests.Forbidden, PageTests.Export, ViewTests.Detail):
    model = SentinelRecord

    def list_params(self) -> dict[str, str]:
        return {"drug_class": DrugClass.ANTIVIRAL}


class SignalData:
    model = Signal
    user_in, user_out, user_none = REG_IN, REG_OUT, "lab"
    op_users = {"respond": (("cdc", "township"), ("cdc", "village_other"), REG_IN)}

    def make_object(self) -> Signal:
        return make_signal(self.users["grid"].division)


class TestSignalScope(SignalData, ScopeTests.Read):
    pass


class TestSignalAPI(SignalData, APITests.ReadOnly, APITests.Actions):
    api_basename = "sectors-signal"
    api_actions = ("respond",)

    def action_data(self, action: str, obj: Signal) -> dict[str, Any]:
        return {"response": SignalResponse.INVESTIGATED, "note": "已电话核实，系药店促销"}


class TestSignalPages(SignalData, PageTests.Forbidden, PageTests.Export, ViewTests.Detail):
    model = Signal

    def list_params(self) -> dict[str, str]:
        return {"method": SignalMethod.THRESHOLD}


class DrugData(NoDivision):
    model = Drug
    user_in, user_out, user_none = "regulator", "nodivision", "lab"

    def make_object(self) -> Drug:
        return Drug.objects.create(name=f"测试药{next(_serial)}", drug_class=DrugClass.COUGH, aliases="测试别名")

    def create_data(self) -> dict[str, Any]:
        return {"name": f"新药{next(_serial)}", "drug_class": DrugClass.FEVER, "aliases": "新药片"}

    def update_data(self, obj: Drug) -> dict[str, Any]:
        return {"aliases": "另一别名"}

    def edit_form_data(self, obj: Drug) -> dict[str, Any]:
        return {"name": obj.name, "drug_class": obj.drug_class, "aliases": "另一别名"}


class TestDrugScope(DrugData, ScopeTests.Full):
    def create_fields(self) -> dict[str, Any]:
        return {"name": f"范围药{next(_serial)}", "drug_class": DrugClass.ANTIBIOTIC}


class TestDrugAPI(DrugData, APITests.Full):
    api_basename = "sectors-drug"


class TestDrugPages(DrugData, PageTests.Full):
    model = Drug

    def list_params(self) -> dict[str, str]:
        return {"q": "测试"}


class RuleData(NoDivision):
    model = SignalRule
    user_in, user_out, user_none = "cdc", "nodivision:cdc", "lab"

    def make_object(self) -> SignalRule:
        code = ("bar", "ktv", "hotel", "school", "shop", "bath", "swimming", "factory")[next(_serial) % 8]
        return SignalRule.objects.create(name=f"测试规则{next(_serial)}", sector=sector(code), threshold=20,
                                         active=False)

    def create_data(self) -> dict[str, Any]:
        SignalRule.objects.filter(sector__code="supermarket").delete()
        return {"name": "商超规则", "sector": sector("supermarket").pk, "threshold": 50, "percentile": 90, "weeks": 3,
                "min_count": 5, "response_hours": 12, "active": True}

    def update_data(self, obj: SignalRule) -> dict[str, Any]:
        return {"threshold": 25}

    def edit_form_data(self, obj: SignalRule) -> dict[str, Any]:
        return {"name": obj.name, "sector": obj.sector_id, "threshold": 25, "percentile": 80, "weeks": 4,
                "min_count": 5, "response_hours": 24}


class TestSignalRuleScope(RuleData, ScopeTests.Full):
    def create_fields(self) -> dict[str, Any]:
        SignalRule.objects.filter(sector__code="restaurant").delete()
        return {"name": "餐饮规则", "sector": sector("restaurant"), "threshold": 40}


class TestSignalRuleAPI(RuleData, APITests.Full):
    api_basename = "sectors-signalrule"


class TestSignalRulePages(RuleData, PageTests.Full):
    model = SignalRule

    def list_params(self) -> dict[str, str]:
        return {"active": "false"}
