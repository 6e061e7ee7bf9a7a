"""`fangkong import-leads FILE --channel big_data [--source geofence] [--json] [--user NAME]`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fangkong.core import audit
from fangkong.core.choices import AuditSource
from fangkong.core.identity import InvalidValue
from fangkong.core.models import User
from fangkong.screening.choices import Channel
from fangkong.screening.imports import public_outcome, run_lead_import, start_batch


class Command(BaseCommand):
    help = "导入线索名单(xlsx/xls/csv)/ import a list of leads"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--channel", required=True, choices=[c.value for c in Channel])
        parser.add_argument("--source", default="")
        parser.add_argument("--user", default="", help="导入人用户名 / importing account")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象 / print one JSON object")

    def handle(self, *args, **opts) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在:{path}")
        user = None
        if opts["user"]:
            user = User.objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(f"用户不存在:{opts['user']}")
        data = path.read_bytes()
        with audit.audit_context(actor=user, source=AuditSource.CLI):
            try:
                batch = start_batch(data=data, file_name=path.name, channel=opts["channel"], source=opts["source"],
                                    user=user, keep_file=False)
            except InvalidValue as exc:
                raise CommandError(str(exc)) from exc

            def progress(b) -> None:
                if not opts["json"]:
                    sys.stderr.write(f"\r已处理 {b.rows} 行,新增 {b.imported},重复 {b.duplicates},错误 {b.rejected}")

            run_lead_import(batch, data, progress=progress)
        out = public_outcome(batch)
        if opts["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        sys.stderr.write("\n")
        if batch.message:
            self.stdout.write(batch.message)
        self.stdout.write(f"批次 {batch.pk}: 数据行 {out['rows']},新增 {out['imported']},"
                          f"重复 {out['duplicates']},错误 {out['rejected']}")
        for e in out["errors"][:50]:
            self.stdout.write(f"  第{e['row']}行:{e['reason']}")
