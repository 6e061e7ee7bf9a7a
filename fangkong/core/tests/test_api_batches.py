"""/api/batches/ (read-only): an import's outcome, in the importer's division scope."""

from __future__ import annotations

from fangkong.core.choices import BatchStatus
from fangkong.core.models import Batch
from fangkong.core.testing import APITests


class TestBatchAPI(APITests.ReadOnly):
    model = Batch
    api_basename = "batch"
    # Every role may see the batches of its division; an account without a role may not.
    user_in, user_out, user_none = "village", "village_other", "norole"

    def make_object(self) -> Batch:
        user = self.users["village"]
        return Batch.objects.create(
            kind="registry", file_name="台账.xlsx", division=user.division, created_by=user, status=BatchStatus.DONE,
            rows=3, processed=3, imported=2, rejected=1,
            errors=[{"row": 4, "reason": "身份证号校验码错误", "values": {"姓名": "张三"}}],
        )
