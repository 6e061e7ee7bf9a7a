"""`fangkong import KIND FILE [--json] [--user NAME]`: import a file of any registered kind.

The kinds (leads, residents, results, key_group_members, risk_areas) are registered by the
apps' `imports` modules; the file goes through the one batch lifecycle as a form or the API
does, and `--json` prints the one JSON result. `import_leads` and `import_residents` are
aliases of this command with the kind fixed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from fangkong.core import audit
from fangkong.core.choices import AuditSource, BatchStatus
from fangkong.core.identity import InvalidValue
from fangkong.core.imports import ImportKind, batch_result, import_file, kinds, reasons_of
from fangkong.core.models import User

SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = "导入文件(xlsx / xls / csv):fangkong import 类型 文件 / import a file: fangkong import KIND FILE"
    kind_name: str | None = None  # set by the aliases (import_leads, import_residents)

    def add_arguments(self, parser) -> None:
        registered = kinds()
        if self.kind_name is None:
            parser.add_argument("kind", choices=sorted(registered), help="导入类型 / kind of import")
            options = [o for k in registered.values() for o in k.cli_options]
        else:
            options = list(registered[self.kind_name].cli_options)
        parser.add_argument("file", help="xlsx、xls 或 csv 文件")
        parser.add_argument("--user", default="", help="以该账号的身份和管辖范围导入 / import as this account")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象 / print one JSON object")
        seen: set[str] = set()
        for name, kwargs in options:
            if name not in seen:
                seen.add(name)
                parser.add_argument(name, **kwargs)

    def handle(self, *args: Any, **opts: Any) -> None:
        kind = kinds()[self.kind_name or opts["kind"]]
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
                batch = import_file(kind, path, user=user, options=opts)
            except (InvalidValue, PermissionDenied, ValueError) as exc:
                self._fail(opts, str(exc) or "没有导入的权限")
        result = batch_result(batch)
        if opts["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self._print(kind, result)
        if batch.status == BatchStatus.FAILED:
            raise CommandError(batch.message or "导入失败")

    def _print(self, kind: ImportKind, result: dict) -> None:
        self.stdout.write(
            f"{kind.label} {result['file']}: 共{result['rows']}行,新增{result['imported']},更新{result['updated']},"
            f"重复或无变化{result['duplicates']},错误{result['rejected']}(批次 {result['batch']})"
        )
        for error in result["errors"][:SHOWN_ERRORS]:
            where = f"第{error['row']}行" if error["row"] else "文件"
            self.stdout.write(f"  {where}:{';'.join(reasons_of(error))}")
        if len(result["errors"]) > SHOWN_ERRORS:
            self.stdout.write(f"  …… 另有{len(result['errors']) - SHOWN_ERRORS}行错误")
        if result["message"]:
            self.stdout.write(result["message"])

    def _fail(self, opts: dict, message: str) -> None:
        if opts.get("json"):
            self.stdout.write(json.dumps({"status": BatchStatus.FAILED.value, "message": message}, ensure_ascii=False))
        sys.stderr.flush()
        raise CommandError(message)
