"""Batches: scope, the audited create, and /api/batches/ (read-only) through the shared mixins."""

from __future__ import annotations

from typing import Any

from fangkong.core.choices import BatchStatus
from fangkong.core.models import Batch
from fangkong.core.testkit import APITests, ScopeTests


class BatchData:
    model = Batch
    # Every role may see the batches of its division; an account without a role may not.
    user_in, user_out, user_none = "village", "village_other", "norole"

    def make_object(self) -> Batch:
        user = self.users["village"]
        return Batch.objects.create(
            kind="registry", file_name="台账.xlsx", division=user.division, created_by=user, status=BatchStatus.DONE,
            rows=3, processed=3, imported=2, rejected=1,
            errors=[{"row": 4, "reason": "身份证号校验码错误", "values": {"姓名": "张三"}}],
        )


class TestBatchScope(BatchData, ScopeTests.Read, ScopeTests.Create):
    """Imports create batches (their counts change only inside the import); no one edits one."""

    def create_fields(self) -> dict[str, Any]:
        user = self.users["village"]
        return {"kind": "registry", "file_name": "台账.xlsx", "division": user.division, "created_by": user}


class TestBatchAPI(BatchData, APITests.ReadOnly):
    api_basename = "batch"
