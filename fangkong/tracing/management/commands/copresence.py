"""`fangkong copresence --phones P1,P2 --from DATE --to DATE [--min-overlap MIN] [--scan-window MIN]
[--engine duckdb|spark] [--json] [--run --user NAME]`: who was co-present (时空伴随) with the index
people, from the venue scans and location records kept.

Prints `{"matches": [{"phone", "kind": "cell"|"venue", "index_phone", "place", "overlap_minutes",
"at"}, …]}` with `--json` (see `tracing.copresence` for what each value means), else one line a
match. By default it only reads; `--run` records a run (its matches, leads of the co_presence
channel, its yield) as `--user` or the system. Bad input exits 1 with a Chinese message (with
`--json`, also as `{"status": "failed", "message": …}` on stdout).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from fangkong.analytics import engine
from fangkong.analytics.runs import AnalyticsFailed
from fangkong.core import audit
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditSource
from fangkong.core.identity import InvalidValue
from fangkong.core.imports import parse_date
from fangkong.core.models import User


class Command(BaseCommand):
    help = "时空伴随研判：按指示病例手机号和日期查找时空伴随者 / co-presence of index people"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--phones", required=True, help="指示病例手机号，逗号分隔")
        parser.add_argument("--from", dest="starts_on", required=True, help="开始日期（含），如 2022-07-01")
        parser.add_argument("--to", dest="ends_on", required=True, help="结束日期（含）")
        parser.add_argument("--min-overlap", type=int, default=None, help="同一网格最短重叠分钟数（默认10）")
        parser.add_argument("--scan-window", type=int, default=None, help="同一场所码前后分钟数（默认30，含）")
        parser.add_argument("--engine", choices=engine.ENGINES, default=None, help="duckdb（默认）或 spark")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象 / print one JSON object")
        parser.add_argument("--run", action="store_true", help="记录本次研判，并将时空伴随者转为线索")
        parser.add_argument("--user", default="", help="以该账号的身份研判 / run as this account")

    def handle(self, *args: Any, **opts: Any) -> None:
        from fangkong.tracing import copresence as cp

        try:
            phones = cp.clean_phones(opts["phones"])
            starts_on, ends_on = self._date(opts["starts_on"], "开始日期"), self._date(opts["ends_on"], "结束日期")
            cp.window(starts_on, ends_on)
            for name in ("min_overlap", "scan_window"):
                if opts[name] is not None and opts[name] < 0:
                    raise InvalidValue("分钟数不能为负数")
        except InvalidValue as exc:
            self._fail(opts, str(exc))
        kwargs = {"min_overlap": opts["min_overlap"], "scan_window": opts["scan_window"], "kind": opts["engine"]}
        try:
            if opts["run"]:
                user = self._user(opts)
                with audit.audit_context(actor=user, source=AuditSource.CLI):
                    run = cp.run_copresence(acting_user=user or SYSTEM, phones=phones, starts_on=starts_on,
                                            ends_on=ends_on, **kwargs)
                matches = [{"phone": m.phone, "kind": m.kind, "index_phone": m.index_phone, "place": m.place,
                            "overlap_minutes": cp.minutes(round(m.overlap_minutes * 60)), "at": cp.local_iso(m.at)}
                           for m in run.matches.order_by("phone", "at", "kind", "place", "index_phone")]
            else:
                table = cp.find_matches(phones, starts_on, ends_on, **kwargs)
                matches = cp.as_json(table)
        except (AnalyticsFailed, PermissionDenied, InvalidValue) as exc:
            self._fail(opts, getattr(exc, "reason", None) or str(exc) or "没有研判的权限")
        if opts["json"]:
            self.stdout.write(json.dumps({"matches": matches}, ensure_ascii=False))
            return
        self.stdout.write(f"时空伴随：{len(matches)}条，{len({m['phone'] for m in matches})}人")
        for m in matches:
            how = "重叠" if m["kind"] == "cell" else "相隔"
            self.stdout.write(f"  {m['phone']} ← {m['index_phone']}：{m['place']}，{m['at']}，{how}{m['overlap_minutes']}分钟")

    @staticmethod
    def _date(value: str, label: str) -> dt.date:
        try:
            return parse_date(value)
        except (InvalidValue, ValueError):
            raise InvalidValue(f"{label}“{value}”无法识别，应为2022-07-01这样的日期") from None

    def _user(self, opts: dict) -> User | None:
        if not opts["user"]:
            return None
        user = User.objects.filter(username=opts["user"], is_active=True).select_related("division").first()
        if user is None:
            self._fail(opts, f"账号不存在或已停用:{opts['user']}")
        return user

    def _fail(self, opts: dict, message: str) -> None:
        if opts.get("json"):
            self.stdout.write(json.dumps({"status": "failed", "message": message}, ensure_ascii=False))
        sys.stderr.flush()
        raise CommandError(message)
