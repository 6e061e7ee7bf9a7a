"""The shared body of `fangkong import-scans` and `fangkong import-locations`: `fangkong import`'s
options, output and exit codes, but the file is streamed where it lies (it may hold millions of
rows), not read into memory first."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError

from fangkong.core import audit
from fangkong.core.choices import AuditSource, BatchStatus
from fangkong.core.identity import InvalidValue
from fangkong.core.imports import batch_result, kinds
from fangkong.core.models import User

base = importlib.import_module("fangkong.core.management.commands.import")  # `import` is a keyword


class RecordsCommand(base.Command):
    def handle(self, *args: Any, **opts: Any) -> None:
        from fangkong.tracing.copresence_import import RECORD_KINDS, import_path

        kind = kinds()[self.kind_name]
        path = Path(opts["file"])
        if not path.is_file():
            self._fail(opts, f"文件不存在:{path}")
        user = None
        if opts["user"]:
            user = User.objects.filter(username=opts["user"], is_active=True).select_related("division").first()
            if user is None:
                self._fail(opts, f"账号不存在或已停用:{opts['user']}")
        with audit.audit_context(actor=user, source=AuditSource.CLI):
            try:
                batch = import_path(RECORD_KINDS[self.kind_name], path, user=user)
            except (InvalidValue, PermissionDenied, ValueError) as exc:
                self._fail(opts, str(exc) or "没有导入的权限")
        result = batch_result(batch)
        if opts["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self._print(kind, result)
        if batch.status == BatchStatus.FAILED:
            raise CommandError(batch.message or "导入失败")
