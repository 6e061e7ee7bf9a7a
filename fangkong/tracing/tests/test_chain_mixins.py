"""Transmission chains through the shared mixins: links, clusters and snapshots — scope, API
(with the `cases` action of a cluster) and the generic pages."""

from __future__ import annotations

from typing import Any

import pytest

from fangkong.core.testkit import APITests, ScopeTests, ViewTests
from fangkong.core.testkit_pages import PageTests

from ..actions import do_freeze_chain
from ..choices import Certainty, ExposureType
from ..models import ChainSnapshot, Cluster, TransmissionEdge
from . import chain_data as C
from . import factories as F

IN, OUT = ("cdc", "township"), ("cdc", "village_other")


class ChainScoped:
    user_in, user_out, user_none = IN, OUT, "lab"

    @pytest.fixture(autouse=True)
    def _protocol(self, db, users) -> None:
        F.activate()
        self._root = C.case_on(users["grid"].division, 10, name="测试来源")
        self.spare = C.case_on(users["grid"].division, 4, name="测试备用")  # before any audit count

    def grid(self):
        return self.users["grid"].division

    def root(self):
        return self._root


class EdgeData(ChainScoped):
    model = TransmissionEdge

    def make_object(self) -> TransmissionEdge:
        return C.link(self.root(), C.case_on(self.grid(), 5))

    def create_data(self) -> dict[str, Any]:
        return {"source": self.root().pk, "target": self.spare.pk, "exposure": ExposureType.COLLEAGUE,
                "certainty": Certainty.PROBABLE, "evidence": "同一办公室"}

    def update_data(self, obj: TransmissionEdge) -> dict[str, Any]:
        return {"certainty": Certainty.CONFIRMED if obj.certainty != Certainty.CONFIRMED else Certainty.POSSIBLE}

    def list_params(self) -> dict[str, str]:
        return {"exposure": ExposureType.HOUSEHOLD}


class TestEdgeScope(EdgeData, ScopeTests.Read):
    pass


class TestEdgeAPI(EdgeData, APITests.Full):
    api_basename = "tracing-link"


class TestEdgePages(EdgeData, PageTests.Forbidden, PageTests.Export, ViewTests.Detail):
    model = TransmissionEdge


class ClusterData(ChainScoped):
    model = Cluster

    def make_object(self) -> Cluster:
        return C.cluster(self.grid(), [self.root()])

    def create_data(self) -> dict[str, Any]:
        return {"code": f"JJN{next(C._n):05d}", "name": "测试聚集性疫情", "division": self.grid().pk, "note": ""}

    def update_data(self, obj: Cluster) -> dict[str, Any]:
        return {"note": "已判定为家庭聚集"}

    def edit_form_data(self, obj: Cluster) -> dict[str, Any]:
        return {"code": obj.code, "name": obj.name, "division": obj.division_id, "note": "已判定为家庭聚集"}

    def list_params(self) -> dict[str, str]:
        return {"q": "测试聚集"}


class TestClusterScope(ClusterData, ScopeTests.Read):
    pass


class TestClusterAPI(ClusterData, APITests.Full, APITests.Actions):
    api_basename = "tracing-cluster"
    api_actions = ("cases",)

    def action_data(self, action: str, obj: Cluster) -> dict[str, Any]:
        return {"add": [self.spare.pk]}


class TestClusterPages(ClusterData, PageTests.Full):
    model = Cluster


class SnapshotData(ChainScoped):
    model = ChainSnapshot
    # A snapshot is made in the maker's own division: there is no "elsewhere" to create it in.
    op_users = {"add": (IN, None, "lab")}

    def make_object(self) -> ChainSnapshot:
        C.link(self.root(), C.case_on(self.grid(), 6))
        return do_freeze_chain(title="测试快照", filters={}, acting_user=self.user(IN))

    def create_data(self) -> dict[str, Any]:
        return {"title": "测试快照（接口）", "filters": {}}

    def list_params(self) -> dict[str, str]:
        return {"q": "测试快照"}


class TestSnapshotScope(SnapshotData, ScopeTests.Read):
    pass


class TestSnapshotAPI(SnapshotData, APITests.Get, APITests.List, APITests.Create):
    api_basename = "tracing-chainsnapshot"


class TestSnapshotPages(SnapshotData, PageTests.Forbidden, PageTests.Export, ViewTests.Detail):
    model = ChainSnapshot
