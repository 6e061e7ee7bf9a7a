"""`fangkong briefing [--date D] [--since D] [--division CODE] [--user NAME] --out FILE.docx`: the
county report of seed 001 (工作汇报) as a Word document, every figure from live data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fangkong.command.briefing.figures import BriefingError
from fangkong.command.briefing.report import build_briefing
from fangkong.command.briefing.word import render_docx, template_path
from fangkong.core.models import Division, User


def parse_day(value: str | None, what: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{what}格式不正确:{value}(应为 YYYY-MM-DD,例如 2022-07-15)") from None


class Command(BaseCommand):
    help = "生成工作汇报(Word 文档),所有数字取自实时数据 / write the county report as .docx"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help="汇报日期 YYYY-MM-DD,缺省为今天 / report date")
        parser.add_argument("--since", help="累计起始日期 YYYY-MM-DD,缺省为当月1日 / cumulative figures since")
        parser.add_argument("--division", help="区划代码,缺省为全县 / division code (default: the county)")
        parser.add_argument("--user", default="", help="以该账号的管辖范围统计 / count in this account's scope")
        parser.add_argument("--template", default="", help="docxtpl 模板(.docx),缺省为设置中的模板 / template")
        parser.add_argument("--out", required=True, help="输出文件 FILE.docx / output file")

    def handle(self, *args, **opts) -> None:
        day = parse_day(opts["date"], "日期") or timezone.localdate()
        since = parse_day(opts["since"], "起始日期")
        user = None
        if opts["user"]:
            user = User.objects.filter(username=opts["user"], is_active=True).select_related("division").first()
            if user is None:
                raise CommandError(f"账号不存在或已停用:{opts['user']}")
        division = None
        if opts["division"]:
            division = Division.objects.filter(code=opts["division"]).first()
            if division is None:
                raise CommandError(f"找不到区划代码:{opts['division']}")
        elif user is None and not Division.objects.exists():
            raise CommandError("尚无区划数据,请先导入或生成区划")
        out = Path(opts["out"])
        if out.suffix.lower() != ".docx":
            raise CommandError(f"输出文件须为 .docx:{out}")
        template = Path(opts["template"]) if opts["template"] else template_path()
        if not template.is_file():
            raise CommandError(f"找不到模板文件:{template}")
        try:
            briefing = build_briefing(user, day=day, since=since, division=division)
        except BriefingError as e:
            raise CommandError(str(e)) from None
        data = render_docx(briefing, template)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        self.stdout.write(f"已生成工作汇报 {out}({briefing.division.name},{day},{len(briefing.figures)} 个数字)")
