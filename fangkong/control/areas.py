"""Risk-area lists (风险区名单): reading pasted text / csv / xlsx, previewing and applying changes.

Applying a list is idempotent: a row equal to the period already recorded changes nothing,
a new level closes the open period and opens another, and a lifting date closes it, so the
history answers "was this place medium-risk on 8 August?".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from fangkong.core import audit
from fangkong.core.choices import AuditAction

from .choices import RiskLevel
from .models import RiskArea
from .models.areas import NAME_FIELDS

COLUMNS = (*NAME_FIELDS, "level", "effective_from", "lifted_on", "code")
HEADER_ALIASES = {
    "province": ("省", "省份", "省(区、市)"), "city": ("市", "地市", "市(州)"), "county": ("县", "区县", "县(区)", "县(市、区)"),
    "township": ("乡镇", "街道", "乡镇(街道)", "街道(乡镇)"), "community": ("社区", "村", "村(社区)", "小区", "具体区域"),
    "level": ("风险等级", "等级", "风险级别"), "effective_from": ("生效日期", "划定日期", "开始日期"),
    "lifted_on": ("解除日期", "解封日期"), "code": ("区划代码", "代码"),
}
LEVEL_WORDS = {"高": RiskLevel.HIGH, "中": RiskLevel.MEDIUM, "低": RiskLevel.LOW, "high": RiskLevel.HIGH,
               "medium": RiskLevel.MEDIUM, "low": RiskLevel.LOW}


@dataclass
class AreaRow:
    row: int
    names: tuple[str, ...]
    level: str
    effective_from: dt.date
    lifted_on: dt.date | None
    code: str = ""

    @property
    def level_label(self) -> str:
        return str(RiskLevel(self.level).label)


@dataclass
class AreaPlan:
    """What applying a list would do; `errors` are (row number, reason)."""

    new: list[AreaRow] = field(default_factory=list)
    level_changed: list[tuple[AreaRow, RiskArea]] = field(default_factory=list)
    lifted: list[tuple[AreaRow | None, RiskArea]] = field(default_factory=list)
    unchanged: list[AreaRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def change_count(self) -> int:
        return len(self.new) + len(self.level_changed) + len(self.lifted)


def parse_date(value: object) -> dt.date | None:
    """2022-08-01, 2022/8/1, 2022.8.1, 2022年8月1日, Excel dates; empty → None."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    m = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*", str(value))
    if not m:
        raise ValueError(f"无法识别的日期“{value}”,请写成 2022-08-01")
    return dt.date(int(m[1]), int(m[2]), int(m[3]))


def parse_level(value: object) -> str:
    text = str(value or "").strip().lower()
    for word, level in LEVEL_WORDS.items():
        if text.startswith(word):
            return level
    raise ValueError(f"无法识别的风险等级“{value}”,应为 高/中/低")


def _split(line: str) -> list[str]:
    if "\t" in line:
        return [c.strip() for c in line.split("\t")]
    if "," in line or "," in line:
        return [c.strip() for c in re.split(r"[,,]", line)]
    return [c.strip() for c in re.split(r"\s{2,}|\|", line.strip())]


def _header_map(cells: list[str]) -> dict[int, str] | None:
    found = {}
    for i, cell in enumerate(cells):
        text = re.sub(r"\s", "", cell or "").replace("(", "(").replace(")", ")")
        for key, aliases in HEADER_ALIASES.items():
            if text in aliases or text == key:
                found[i] = key
    return found if "level" in found.values() and "province" in found.values() else None


def read_rows(table: list[list[object]]) -> tuple[list[AreaRow], list[tuple[int, str]]]:
    """Rows of cells (first row may be a header, title rows above it are skipped) → AreaRows."""
    header, rows, errors = None, [], []
    positional = {i: k for i, k in enumerate(COLUMNS)}
    for n, cells in enumerate(table, start=1):
        texts = ["" if c is None else str(c).strip() for c in cells]
        if not any(texts):
            continue
        if header is None and (h := _header_map(texts)):
            header = h
            continue
        mapping = header or positional
        raw = {key: cells[i] for i, key in mapping.items() if i < len(cells)}
        try:
            names = tuple(str(raw.get(f) or "").strip() for f in NAME_FIELDS)
            if not names[0]:
                raise ValueError("缺少省份")
            eff = parse_date(raw.get("effective_from"))
            if eff is None:
                raise ValueError("缺少生效日期")
            lifted = parse_date(raw.get("lifted_on"))
            if lifted is not None and lifted <= eff:
                raise ValueError("解除日期必须晚于生效日期")
            rows.append(AreaRow(n, names, parse_level(raw.get("level")), eff, lifted, str(raw.get("code") or "").strip()))
        except ValueError as exc:
            if header is None and n <= 3 and not rows:
                continue  # a title row above the header
            errors.append((n, str(exc)))
    return rows, errors


def read_text(text: str) -> tuple[list[AreaRow], list[tuple[int, str]]]:
    return read_rows([_split(line) for line in text.splitlines()])


def read_file(data: bytes, file_name: str) -> tuple[list[AreaRow], list[tuple[int, str]]]:
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        return read_rows([list(r) for r in wb.active.iter_rows(values_only=True)])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gbk", errors="replace")
    return read_rows([list(r) for r in csv.reader(io.StringIO(text))])


def _place_q(names: tuple[str, ...]) -> Q:
    return Q(**dict(zip(NAME_FIELDS, names, strict=True)))


def plan_changes(rows: list[AreaRow], *, full_list_on: dt.date | None = None) -> AreaPlan:
    """Compare a list with the recorded history, without writing. With `full_list_on`, open
    areas missing from the list are lifted on that day (the province republished everything)."""
    plan = AreaPlan()
    seen: set[tuple[str, ...]] = set()
    for row in rows:
        seen.add(row.names)
        periods = list(RiskArea.objects.filter(_place_q(row.names)))
        open_ = next((p for p in periods if p.lifted_on is None), None)
        same = any(p.level == row.level and p.effective_from == row.effective_from and p.lifted_on == row.lifted_on
                   for p in periods)
        if same:
            plan.unchanged.append(row)
        elif open_ and row.lifted_on and open_.level == row.level:
            plan.lifted.append((row, open_))
        elif open_ and open_.level == row.level and not row.lifted_on:
            plan.unchanged.append(row)
        elif open_ and row.effective_from > open_.effective_from:
            plan.level_changed.append((row, open_))
        else:
            plan.new.append(row)
    if full_list_on is not None:
        for area in RiskArea.objects.filter(lifted_on__isnull=True, effective_from__lt=full_list_on):
            if area.place_key() not in seen:
                plan.lifted.append((None, area))
    return plan


def do_apply_risk_areas(plan: AreaPlan, *, source: str, full_list_on: dt.date | None = None) -> int:
    """Write a previewed plan; audited per changed period. Returns the number of changes."""
    from .actions import _require_policy_editor
    from .rules import refresh_origin_levels

    with transaction.atomic():
        _require_policy_editor()
        for row in plan.new:
            area = RiskArea(**dict(zip(NAME_FIELDS, row.names, strict=True)), level=row.level, code=row.code,
                            effective_from=row.effective_from, lifted_on=row.lifted_on, source=source)
            area.full_clean()
            area.save()
            audit.record(AuditAction.CREATE, area, verb="import_risk_area", changes=audit.diff({}, audit.snapshot(area)))
        for row, old in plan.level_changed:
            _lift(old, row.effective_from)
            area = RiskArea.objects.create(**dict(zip(NAME_FIELDS, row.names, strict=True)), level=row.level,
                                           code=row.code or old.code, effective_from=row.effective_from,
                                           lifted_on=row.lifted_on, source=source)
            audit.record(AuditAction.CREATE, area, verb="change_risk_level", changes={"level": [old.level, area.level]})
        for row, old in plan.lifted:
            _lift(old, row.lifted_on if row else full_list_on)
        refresh_origin_levels()
    return plan.change_count


def _lift(area: RiskArea, on: dt.date | None) -> None:
    before = audit.snapshot(area)
    area.lifted_on = on
    area.save(update_fields=["lifted_on"])
    audit.record(AuditAction.UPDATE, area, verb="lift_risk_area", changes=audit.diff(before, audit.snapshot(area)))
