"""Risk-area lists (风险区名单): reading pasted text / csv / xlsx, previewing and applying changes.

Applying a list is idempotent: a row equal to the period already recorded changes nothing,
a new level closes the open period and opens another, and a lifting date closes it, so the
history answers "was this place medium-risk on 8 August?".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q

from fangkong.core import audit, imports
from fangkong.core.actions import action, require
from fangkong.core.choices import AuditAction
from fangkong.core.identity import InvalidValue
from fangkong.core.scoping import ADD
from fangkong.core.signals import risk_areas_listed

from .choices import RiskLevel
from .models import Exposure, RiskArea
from .models.areas import NAME_FIELDS

LEVEL_WORDS = {"高": RiskLevel.HIGH, "中": RiskLevel.MEDIUM, "低": RiskLevel.LOW, "high": RiskLevel.HIGH,
               "medium": RiskLevel.MEDIUM, "low": RiskLevel.LOW}


def parse_level(value: object) -> str:
    text = str(value or "").strip().lower()
    for word, level in LEVEL_WORDS.items():
        if text.startswith(word):
            return level
    raise InvalidValue(f"无法识别的风险等级“{value}”,应为 高/中/低")


def _name(max_length: int) -> Callable[[Any], str]:
    return imports.text(max_length)


# The columns of a provincial list, in the order a headerless paste is read.
COLUMNS = [
    imports.Column("province", "省", ("省份", "省(区、市)", "省区市"), required=True, clean=_name(32)),
    imports.Column("city", "市", ("地市", "市(州)", "地级市"), clean=_name(32)),
    imports.Column("county", "县(区)", ("县", "区县", "县(市、区)", "区"), clean=_name(32)),
    imports.Column("township", "乡镇(街道)", ("乡镇", "街道", "街道(乡镇)"), clean=_name(64)),
    imports.Column("community", "村(社区)", ("村", "社区", "小区", "具体区域", "风险区域"), clean=_name(128)),
    imports.Column("level", "风险等级", ("等级", "风险级别"), required=True, clean=parse_level),
    imports.Column("effective_from", "生效日期", ("划定日期", "开始日期", "发布日期"), required=True,
                   clean=imports.parse_date),
    imports.Column("lifted_on", "解除日期", ("解封日期",), clean=imports.parse_date),
    imports.Column("code", "区划代码", ("代码",), clean=_name(15)),
]


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
    """What applying a list would do; `errors` are the bad rows (row, values, reasons)."""

    new: list[AreaRow] = field(default_factory=list)
    level_changed: list[tuple[AreaRow, RiskArea]] = field(default_factory=list)
    lifted: list[tuple[AreaRow | None, RiskArea]] = field(default_factory=list)
    unchanged: list[AreaRow] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def change_count(self) -> int:
        return len(self.new) + len(self.level_changed) + len(self.lifted)


def _to_row(number: int, raw: dict[str, Any]) -> AreaRow | dict[str, Any]:
    """A clean row, or a bad row in the framework's one shape (`imports.bad_row`)."""
    values, reasons = imports.clean_row(raw, COLUMNS)
    if not reasons and values["lifted_on"] and values["lifted_on"] <= values["effective_from"]:
        reasons.append("解除日期必须晚于生效日期")
    if reasons:
        return imports.bad_row(number, reasons, raw)
    names = tuple(values[f] or "" for f in NAME_FIELDS)
    return AreaRow(number, names, values["level"], values["effective_from"], values["lifted_on"], values["code"] or "")


def _collect(rows: Iterable[tuple[int, dict[str, Any]]]) -> tuple[list[AreaRow], list[dict[str, Any]]]:
    good, bad = [], []
    for number, raw in rows:
        out = _to_row(number, raw)
        (good if isinstance(out, AreaRow) else bad).append(out)
    return good, bad


def read_file(data: bytes, file_name: str) -> tuple[list[AreaRow], list[dict[str, Any]]]:
    """An xlsx / xls / csv list through the shared reader (header below title rows, aliases,
    merged cells, GBK). Raises imports.ReadError with a Chinese message if unreadable."""
    table = imports.read_table(data, file_name, COLUMNS)
    table.check()
    return _collect(table)


def read_text(text: str) -> tuple[list[AreaRow], list[dict[str, Any]]]:
    """Pasted lines (from Excel: tab-separated; or comma-separated). With a header row the
    columns are found by name; without one they are read in the order of COLUMNS."""
    data = text.encode("utf-8")
    name = "pasted.tsv" if "\t" in text else "pasted.csv"
    try:
        table = imports.read_table(data, name, COLUMNS)
        if not table.missing:
            return _collect(table)
    except imports.ReadError:
        pass
    lines = [(n, _split(line)) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    return _collect((n, {c.key: (cells[i] if i < len(cells) and cells[i] != "" else None)
                         for i, c in enumerate(COLUMNS)}) for n, cells in lines)


def _split(line: str) -> list[str]:
    if "\t" in line:
        return [c.strip() for c in line.split("\t")]
    if "," in line or "," in line:
        return [c.strip() for c in re.split(r"[,,]", line)]
    return [c.strip() for c in re.split(r"\s{2,}|\|", line.strip())]


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


@action
def do_apply_risk_areas(plan: AreaPlan, *, source: str, full_list_on: dt.date | None = None, acting_user: Any) -> int:
    """Write a previewed plan; audited per changed period. Returns the number of changes."""
    from .rules import refresh_origin_levels

    require(acting_user, RiskArea, ADD)
    listed: list[RiskArea] = []
    for row in plan.new:
        area = RiskArea(**dict(zip(NAME_FIELDS, row.names, strict=True)), level=row.level, code=row.code,
                        effective_from=row.effective_from, lifted_on=row.lifted_on, source=source)
        area.full_clean()
        area.save()
        listed.append(area)
        audit.record(AuditAction.CREATE, area, verb="import_risk_area", changes=audit.diff({}, audit.snapshot(area)))
    for row, old in plan.level_changed:
        _lift(old, row.effective_from)
        area = RiskArea.objects.create(**dict(zip(NAME_FIELDS, row.names, strict=True)), level=row.level,
                                       code=row.code or old.code, effective_from=row.effective_from,
                                       lifted_on=row.lifted_on, source=source)
        audit.record(AuditAction.CREATE, area, verb="change_risk_level", changes={"level": [old.level, area.level]})
        listed.append(area)
    for row, old in plan.lifted:
        _lift(old, row.lifted_on if row else full_list_on)
    # Only exposures from the provinces this list touched can change level.
    provinces = {r.names[0] for r in plan.new} | {r.names[0] for r, _ in plan.level_changed} | {
        old.province for _, old in plan.lifted}
    if provinces:
        refresh_origin_levels(Exposure.objects.filter(origin_province__in=provinces))
    _announce(listed, acting_user)
    return plan.change_count


def _announce(listed: list[RiskArea], acting_user: Any) -> None:
    """Tell the other areas, once committed, which places became (or changed level as) risk areas
    still in force (core.signals.risk_areas_listed)."""
    areas = [{"id": a.pk, **{f: getattr(a, f) for f in NAME_FIELDS}, "level": a.level,
              "effective_from": a.effective_from} for a in listed if a.lifted_on is None]
    if areas:
        transaction.on_commit(lambda: risk_areas_listed.send_robust(sender=RiskArea, areas=areas, actor=acting_user))


def _lift(area: RiskArea, on: dt.date | None) -> None:
    before = audit.snapshot(area)
    area.lifted_on = on
    area.save(update_fields=["lifted_on"])
    audit.record(AuditAction.UPDATE, area, verb="lift_risk_area", changes=audit.diff(before, audit.snapshot(area)))
