"""fangkong import_residents FILE — 导入常住人口基础台账 from xlsx / xls / csv."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from fangkong.core.choices import BatchStatus
from fangkong.core.identity import InvalidValue
from fangkong.core.models import User
from fangkong.registry.imports import import_file


class Command(BaseCommand):
    help = "导入常住人口基础台账(xlsx / xls / csv)/ import the resident registry from a spreadsheet"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="xlsx、xls 或 csv 文件")
        parser.add_argument("--user", help="以该账号的身份和管辖范围导入 / import as this account, within its scope")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果 / print the outcome as JSON")

    def handle(self, *args, **opts) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在:{path}")
        user = None
        if opts["user"]:
            user = User.objects.filter(username=opts["user"], is_active=True).select_related("division").first()
            if user is None:
                raise CommandError(f"账号不存在或已停用:{opts['user']}")
        try:
            batch = import_file(path, user=user)
        except (InvalidValue, PermissionDenied) as exc:
            if opts["json"]:
                self.stdout.write(json.dumps({"status": BatchStatus.FAILED, "message": str(exc)}, ensure_ascii=False))
            raise CommandError(str(exc)) from exc
        if opts["json"]:
            self.stdout.write(json.dumps({**batch.outcome(), "message": batch.message}, ensure_ascii=False))
        else:
            self.stdout.write(
                f"{batch.file_name}: 共{batch.rows}行,新增{batch.imported},更新{batch.updated},"
                f"无变化{batch.duplicates},错误{batch.rejected}(批次 {batch.pk})"
            )
            for error in batch.errors[:50]:
                self.stdout.write(f"  第{error['row']}行:{';'.join(error['reasons'])}")
            if len(batch.errors) > 50:
                self.stdout.write(f"  …… 另有{len(batch.errors) - 50}行错误")
            if batch.message:
                self.stdout.write(batch.message)
        if batch.status == BatchStatus.FAILED:
            raise CommandError(batch.message or "导入失败")
