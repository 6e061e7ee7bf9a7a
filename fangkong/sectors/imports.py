"""The sectors area's kind of import, on the platform's one import framework (`core.imports`):
venue lists from Excel / CSV (`fangkong import venues FILE [--json]`, alias
`fangkong import-venues FILE [--json]`).

A venue is the same venue by its 统一社会信用代码: a row of a venue already registered updates it
when something changed and counts as a duplicate otherwise, so importing a file again changes
nothing. Sector names are read the way people write them ("ktv", "KTV娱乐", "歌舞厅" → KTV,
through each sector's aliases); an unknown sector is kept as 其他 with a warning on the batch.
Rows for grids outside the importing user's division are rejected with the reason.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Max

from fangkong.core import audit
from fangkong.core.choices import AuditAction, DivisionLevel
from fangkong.core.identity import InvalidValue, clean_phone
from fangkong.core.imports import (
    ChunkResult,
    Column,
    ImportKind,
    ImportRow,
    read_table,
    register_kind,
    run_import,
    text,
)
from fangkong.core.models import Batch, Division, User
from fangkong.core.scoping import user_may

from .models import OTHER_SECTOR, Sector, Venue
from .roles import VENUE_EDITORS

BATCH_KIND = "venues"
MAX_WARNINGS = 1000


def clean_credit_code(value: Any) -> str:
    """统一社会信用代码 (GB 32100): 18 characters, upper case, its check character right."""
    from stdnum.cn import uscc
    from stdnum.exceptions import ValidationError as StdnumError

    code = unicodedata.normalize("NFKC", str(value)).replace(" ", "").replace("-", "").upper()
    try:
        return uscc.validate(code)
    except StdnumError:
        if len(code) != 18:
            raise InvalidValue(f"统一社会信用代码“{value}”应为18位(现为{len(code)}位)") from None
        raise InvalidValue(f"统一社会信用代码“{value}”校验位不正确或含有不允许的字符") from None


def _capacity(value: Any) -> int:
    raw = unicodedata.normalize("NFKC", str(value)).strip().removesuffix("人")
    try:
        number = float(raw)
    except ValueError:
        raise InvalidValue(f"核定人数“{value}”应为整数") from None
    if number < 0 or number != int(number) or number > 1_000_000:
        raise InvalidValue(f"核定人数“{value}”应为0至1000000的整数")
    return int(number)


COLUMNS = [
    Column("name", "场所名称", ("名称", "单位名称", "企业名称", "商户名称", "经营场所名称", "店名"), required=True,
           clean=text(100, "场所名称")),
    Column("credit_code", "统一社会信用代码", ("信用代码", "社会信用代码", "营业执照号", "统一代码"), required=True,
           clean=clean_credit_code),
    Column("sector", "行业", ("行业类别", "场所类型", "场所类别", "行业类型", "类别", "业态")),
    Column("address", "地址", ("经营地址", "场所地址", "详细地址", "住所"), required=True, clean=text(255, "地址")),
    Column("grid", "所属网格", ("网格", "网格名称", "网格编号", "网格编码"), clean=text(64, "所属网格")),
    Column("manager_name", "内部经理", ("负责人", "场所负责人", "经理", "法定代表人", "联系人"),
           clean=text(40, "内部经理")),
    Column("manager_phone", "内部经理电话", ("负责人电话", "联系电话", "经理电话", "联系方式"), clean=clean_phone),
    Column("regulator_unit", "行业监管单位", ("监管单位", "行业主管部门", "主管部门", "监管部门"),
           clean=text(64, "行业监管单位")),
    Column("regulator_name", "外部行业责任人", ("行业责任人", "监管责任人", "包保责任人"), clean=text(40, "外部行业责任人")),
    Column("regulator_phone", "行业责任人电话", ("监管责任人电话", "责任人电话"), clean=clean_phone),
    Column("capacity", "核定人数", ("最大承载量", "核定容量", "容纳人数", "最大容量"), clean=_capacity),
]
FIELDS = ("name", "address", "manager_name", "manager_phone", "regulator_unit", "regulator_name", "regulator_phone",
          "capacity")


def _key(value: str) -> str:
    return re.sub(r"[\s/、,,()()·._-]", "", unicodedata.normalize("NFKC", value or "")).lower()


class SectorMatcher:
    """A written sector name → a sector: its name, code or an alias; else the longest alias the
    text contains; else None (the caller keeps it as 其他)."""

    def __init__(self) -> None:
        self.sectors = list(Sector.objects.all())
        self.exact: dict[str, Sector] = {}
        for s in self.sectors:
            for word in (s.name, s.code, *s.alias_list()):
                self.exact.setdefault(_key(word), s)
        self.other = next((s for s in self.sectors if s.code == OTHER_SECTOR), None)

    def match(self, written: str) -> Sector | None:
        key = _key(written)
        if not key:
            return None
        if key in self.exact:
            return self.exact[key]
        found = [(len(k), s) for k, s in self.exact.items() if len(k) >= 2 and k in key]
        return max(found, key=lambda f: f[0])[1] if found else None


def other_sector() -> Sector:
    """其他, recreated when someone deleted it (it is where unknown names go)."""
    sector = Sector.objects.filter(code=OTHER_SECTOR).first()
    if sector is None:
        order = (Sector.objects.aggregate(m=Max("order"))["m"] or 0) + 1
        sector = Sector.objects.create(code=OTHER_SECTOR, name="其他", order=order)
    return sector


@dataclass
class VenueImporter:
    """The chunk handler of a venue batch (`core.imports.run_import`)."""

    user: User | None
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sectors = SectorMatcher()
        grids = list(Division.objects.filter(level=DivisionLevel.GRID).select_related("parent"))
        self.by_code = {g.code: g for g in grids}
        self.by_name: dict[str, list[Division]] = {}
        for g in grids:
            self.by_name.setdefault(g.name, []).append(g)
            if g.parent is not None:
                self.by_name.setdefault(g.parent.name + g.name.removeprefix(g.parent.name), []).append(g)
        self.path = self.user.division.path if self.user is not None else ""
        self.default = self.user.division if self.user is not None and self.user.division.level == DivisionLevel.GRID else None

    def in_scope(self, grid: Division) -> bool:
        return grid.path.startswith(self.path)

    def grid(self, value: str | None) -> tuple[Division | None, str]:
        if not value:
            return (self.default, "") if self.default is not None else (None, "所属网格为空")
        key = value.replace(" ", "")
        named = [self.by_code[key]] if key in self.by_code else self.by_name.get(key, [])
        if not named:
            named = [g for g in self.by_code.values() if g.name.endswith(key) and self.in_scope(g)]
        mine = list({g.pk: g for g in named if self.in_scope(g)}.values())
        if not mine:
            return None, (f"网格“{named[0].name}”不在您的管辖范围内" if named else f"所属网格“{value}”不存在")
        if len(mine) > 1:
            return None, f"网格名称“{value}”对应多个网格，请填写网格全称或网格编码"
        return mine[0], ""

    def __call__(self, rows: list[ImportRow]) -> ChunkResult:
        result = ChunkResult()
        codes = [r.values["credit_code"] for r in rows]
        known = {v.credit_code: v for v in Venue.objects.filter(credit_code__in=codes).select_related("grid")}
        for row in rows:
            v = row.values
            grid, reason = self.grid(v["grid"])
            if grid is None:
                result.reject(row, reason)
                continue
            sector = self.sectors.match(v["sector"] or "")
            if sector is None:
                sector = self.sectors.other or other_sector()
                written = v["sector"] or ""
                if written and _key(written) != _key(sector.name) and len(self.warnings) < MAX_WARNINGS:
                    self.warnings.append({"row": row.number, "reason": f"行业“{written}”未能识别，已按“其他”登记"})
            wanted = {f: (v[f] if v[f] is not None else ("" if f != "capacity" else None)) for f in FIELDS}
            wanted.update(sector=sector, grid=grid)
            venue = known.get(v["credit_code"])
            if venue is None:
                venue = Venue.objects.create(credit_code=v["credit_code"], **wanted)
                known[venue.credit_code] = venue
                audit.record(AuditAction.CREATE, venue, verb="import_venue",
                             changes=audit.diff({}, audit.snapshot(venue)))
                result.imported += 1
                continue
            if not self.in_scope(venue.grid):
                result.reject(row, f"统一社会信用代码{v['credit_code']}的场所已登记在您管辖范围以外的网格")
                continue
            before = audit.snapshot(venue)
            changed = [f for f, value in wanted.items() if getattr(venue, f) != value]
            if not changed:
                result.duplicates += 1
                continue
            for f in changed:
                setattr(venue, f, wanted[f])
            venue.save()
            changes = audit.diff(before, audit.snapshot(venue))
            changes.pop("updated_at", None)
            audit.record(AuditAction.UPDATE, venue, verb="import_venue", changes=changes)
            result.updated += 1
        return result


def may_import(user: Any) -> bool:
    return bool(user.role_names & VENUE_EDITORS) and user_may(Venue, user, "add")


def run_venue_batch(batch: Batch, data: bytes | None = None) -> Batch:
    """Runner of a venue batch (form, API, CLI, worker): read the file, import its rows."""
    if data is None:
        with batch.file.open("rb") as fh:
            data = fh.read()
    user = batch.created_by
    if user is not None and not may_import(user):
        raise PermissionDenied("您没有导入重点场所的权限")
    table = read_table(data, batch.file_name, COLUMNS)
    table.check()
    importer = VenueImporter(user)
    run_import(batch, table, importer, columns=COLUMNS)
    if importer.warnings:
        notes = "；".join(f"第{w['row']}行：{w['reason']}" for w in importer.warnings[:20])
        more = f"等{len(importer.warnings)}条" if len(importer.warnings) > 20 else ""
        batch.message = (f"{batch.message} 提示：{notes}{more}").strip()
        batch.options = {**batch.options, "warnings": importer.warnings}
        batch.save(update_fields=["message", "options"])
    audit.record(AuditAction.IMPORT, batch, verb="import_venues", changes={
        "rows": batch.rows, "new": batch.imported, "changed": batch.updated, "duplicates": batch.duplicates,
        "rejected": batch.rejected, "warnings": len(importer.warnings)})
    return batch


KIND = register_kind(ImportKind(
    name="venues", batch_kind=BATCH_KIND, label="重点场所名单", columns=COLUMNS, run=run_venue_batch,
    roles=tuple(VENUE_EDITORS), object_type="sectors.venue", aliases=("import_venues",),
))


# 卡口登记名单 (checkpoint registrations): its own module, registered with the framework here.
from . import imports_checkpoints  # noqa: E402, F401
from .sentinel import imports as _sentinel_imports  # noqa: E402,F401 — registers the sentinel-sales kind
