"""常住人口基础台账导入: the registry import, built on `core.imports`.

A row is one resident, identified by the ID number. Importing creates residents that are not
there yet, updates those whose values changed (audited with before and after) and leaves
identical ones alone, so importing the same file twice changes nothing and writes no audit
rows. Blank cells never erase what the registry holds: a file without phone numbers does not
clear them. Households are linked by 户编号, or by 户主 + 现住址 inside the grid.

Scope: the importing user may only write into grids of their own division subtree; rows
for other grids, households or residents registered elsewhere are rejected with a reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.bulk import insert_rows, update_rows
from fangkong.core.choices import AuditAction, DivisionLevel
from fangkong.core.identity import (
    clean_id_number,
    clean_name,
    clean_phone,
    id_birth_date,
    id_sex,
    name_pinyin,
)
from fangkong.core.imports import (
    ChunkResult,
    Column,
    ImportKind,
    ImportRow,
    Source,
    Table,
    choice,
    read_table,
    register_kind,
    run_import,
    start_batch,
    text,
)
from fangkong.core.imports import import_file as core_import_file
from fangkong.core.models import Batch, Division, User

from .choices import ResidentStatus
from .models import REGISTRY_EDITORS, Household, Resident

BATCH_KIND = "registry"
RUNNER = "fangkong.registry.imports.run_registry_batch"  # the kind's runner, by its dotted path

STATUS_WORDS = {
    "在家": ResidentStatus.PRESENT, "在住": ResidentStatus.PRESENT, "在村": ResidentStatus.PRESENT,
    "在本地": ResidentStatus.PRESENT, "正常": ResidentStatus.PRESENT, "常住": ResidentStatus.PRESENT,
    "外出": ResidentStatus.AWAY, "离开": ResidentStatus.AWAY, "外地": ResidentStatus.AWAY,
    "外出务工": ResidentStatus.AWAY, "不在家": ResidentStatus.AWAY,
    "已迁出": ResidentStatus.MOVED_OUT, "迁出": ResidentStatus.MOVED_OUT,
    "已故": ResidentStatus.DECEASED, "死亡": ResidentStatus.DECEASED, "去世": ResidentStatus.DECEASED,
    **{s.value: s.value for s in ResidentStatus},
}

COLUMNS: list[Column] = [
    Column("name", "姓名", ("居民姓名", "人员姓名", "成员姓名"), required=True, clean=clean_name),
    Column("id_number", "身份证号", ("证件号码", "公民身份号码", "身份证号码", "身份证", "证件号", "身份号码"),
           required=True, clean=clean_id_number),
    Column("phone", "联系电话", ("手机号", "手机号码", "手机", "电话", "电话号码", "联系方式", "联系电话号码"),
           clean=clean_phone),
    Column("address", "现住址", ("住址", "家庭住址", "居住地址", "现居住地址", "现居地址", "详细地址", "地址"),
           clean=text(255, "现住址")),
    Column("head_name", "户主", ("户主姓名",), clean=text(40, "户主")),
    Column("relation", "与户主关系", ("与户主的关系", "关系", "家庭关系"), clean=text(16, "与户主关系")),
    Column("household_code", "户编号", ("户号", "家庭编号", "户籍编号", "户代码"), clean=text(32, "户编号")),
    Column("grid", "所属网格", ("网格", "网格名称", "网格编号", "网格编码", "网格代码"), clean=text(64, "所属网格")),
    Column("status", "状态", ("人员状态", "居住状态", "在家情况", "是否在家"), clean=choice(STATUS_WORDS, "状态", [str(s.label) for s in ResidentStatus])),
    Column("away_to", "外出去向", ("去向", "外出地点", "外出地址", "现所在地"), clean=text(128, "外出去向")),
]

# Resident fields the import writes, in the order audit rows show them.
_FIELDS = ("name", "id_number", "phone", "address", "household_id", "relation_to_head", "grid_id", "status",
           "away_to")


def may_import(user: User | None) -> bool:
    return bool(user and user.is_authenticated and user.division_id and user.role_names & REGISTRY_EDITORS)


def open_table(source: Source, file_name: str, mapping: dict[str, int | None] | None = None) -> Table:
    return read_table(source, file_name, COLUMNS, mapping=mapping)


@dataclass
class _Grids:
    """Grids by code and by name, and which of them the importing user may write into."""

    by_code: dict[str, Division]
    by_name: dict[str, list[Division]]
    allowed: set[int] | None  # None: every grid (a system import)
    default: Division | None

    @classmethod
    def for_user(cls, user: User | None) -> _Grids:
        grids = list(Division.objects.filter(level=DivisionLevel.GRID).select_related("parent"))
        by_name: dict[str, list[Division]] = {}
        for g in grids:
            by_name.setdefault(g.name, []).append(g)
            if g.parent is not None:  # 某某村第1网格 may also be written 某某村 第1网格
                by_name.setdefault(g.parent.name + g.name.removeprefix(g.parent.name), []).append(g)
        allowed = None
        default = None
        if user is not None:
            allowed = {g.pk for g in grids if g.path.startswith(user.division.path)}
            default = user.division if user.division.level == DivisionLevel.GRID else None
        return cls({g.code: g for g in grids}, by_name, allowed, default)

    def resolve(self, value: str | None) -> tuple[Division | None, str]:
        """The grid a cell names: its code, its full name, or a name inside the user's scope
        that ends with it (a village cadre writes 第1网格 for their village's first grid)."""
        if not value:
            if self.default is not None:
                return self.default, ""
            return None, "所属网格为空"
        key = value.replace(" ", "")
        grid = self.by_code.get(key)
        if grid is not None:
            return (grid, "") if self.in_scope(grid.pk) else (None, f"网格“{grid.name}”不在您的管辖范围内")
        named = list({g.pk: g for g in self.by_name.get(key, [])}.values())
        candidates = [g for g in named if self.in_scope(g.pk)]
        if not candidates and named:
            return None, f"网格“{named[0].name}”不在您的管辖范围内"
        if not candidates:
            candidates = [g for g in self.by_code.values() if g.name.endswith(key) and self.in_scope(g.pk)]
        if len(candidates) > 1:
            return None, f"网格名称“{value}”对应多个网格,请填写网格全称或网格编码"
        if not candidates:
            return None, f"所属网格“{value}”不存在"
        return candidates[0], ""

    def in_scope(self, grid_id: int) -> bool:
        return self.allowed is None or grid_id in self.allowed


def _household_code(grid: Division, head: str, address: str) -> str:
    """A stable code for a household the file gives no code for, so re-imports find it again."""
    digest = hashlib.sha1(f"{grid.code}|{head}|{address}".encode()).hexdigest()[:12].upper()
    return f"{grid.code}-{digest}"


def _snapshot(resident: Resident) -> dict[str, Any]:
    return {f: getattr(resident, f) for f in _FIELDS}


@dataclass
class RegistryImporter:
    """The chunk handler of a registry import; keeps what it learnt across chunks."""

    user: User | None
    grids: _Grids = field(init=False)
    seen_ids: dict[str, int] = field(default_factory=dict)  # ID number → first row number in the file
    households: dict[str, Household] = field(default_factory=dict)  # by code

    def __post_init__(self) -> None:
        self.grids = _Grids.for_user(self.user)

    def __call__(self, rows: list[ImportRow]) -> ChunkResult:
        result = ChunkResult()
        accepted: list[tuple[ImportRow, Division]] = []
        for row in rows:
            grid, reason = self.grids.resolve(row.values["grid"])
            number = row.values["id_number"]
            if grid is None:
                result.reject(row, reason)
            elif number in self.seen_ids:
                result.reject(row, f"身份证号与第{self.seen_ids[number]}行重复")
            else:
                self.seen_ids[number] = row.number
                accepted.append((row, grid))
        existing = Resident.objects.in_bulk([r.values["id_number"] for r, _ in accepted], field_name="id_number")
        accepted = self._check_existing(accepted, existing, result)
        households = self._households(accepted, result)
        self._write(accepted, existing, households, result)
        return result

    def _check_existing(self, accepted: list[tuple[ImportRow, Division]], existing: dict[str, Resident],
                        result: ChunkResult) -> list[tuple[ImportRow, Division]]:
        kept = []
        for row, grid in accepted:
            current = existing.get(row.values["id_number"])
            if current is not None and not self.grids.in_scope(current.grid_id):
                # Say where it is not: the other division's data is not the importer's to see.
                result.reject(row, "该身份证号已登记在您管辖范围以外的网格,请联系所在辖区核实或迁移")
            else:
                kept.append((row, grid))
        return kept

    def _households(self, accepted: list[tuple[ImportRow, Division]], result: ChunkResult) -> dict[int, Household]:
        """The household of each accepted row (by row number), creating missing ones."""
        wanted: dict[int, tuple[str, Division, str, str]] = {}
        loose: dict[tuple[int, str, str], str] = {}  # (grid, head, address) → code, for rows without 户编号
        for row, grid in accepted:
            v = row.values
            head = v["head_name"] or (v["name"] if (v["relation"] or "") in ("户主", "本人") else "")
            if v["household_code"]:
                wanted[row.number] = (v["household_code"], grid, head, v["address"] or "")
            elif head and v["address"]:
                code = _household_code(grid, head, v["address"])
                wanted[row.number] = (code, grid, head, v["address"])
                loose[(grid.pk, head, v["address"])] = code
        codes = {code for code, *_ in wanted.values()} - self.households.keys()
        if codes:
            self.households.update(Household.objects.in_bulk(list(codes), field_name="code"))
        # Without a code, the same head at the same address in the same grid is the same household
        # (e.g. one the generator or an earlier import with codes created).
        loose = {key: code for key, code in loose.items() if code not in self.households}
        if loose:
            candidates = Household.objects.filter(
                grid_id__in={k[0] for k in loose}, head_name__in={k[1] for k in loose}
            ).order_by("pk")
            for hh in candidates:
                code = loose.get((hh.grid_id, hh.head_name, hh.address))
                if code is not None:
                    self.households.setdefault(code, hh)
        new: list[Household] = []
        out: dict[int, Household] = {}
        for row, _ in accepted:
            if row.number not in wanted:
                continue
            code, grid, head, address = wanted[row.number]
            hh = self.households.get(code)
            if hh is None:
                hh = Household(code=code, grid=grid, address=address, head_name=head)
                self.households[code] = hh
                new.append(hh)
            elif hh.pk is not None and hh.grid_id != grid.pk:
                result.reject(row, f"户编号“{code}”属于另一网格,与所属网格不一致")
                continue
            elif hh.pk is None and not hh.head_name and head:
                hh.head_name = head  # named by a later member of a household created in this chunk
            out[row.number] = hh
        if new:
            Household.objects.bulk_create(new)
            audit.record_many(AuditAction.CREATE, new, verb="import_residents",
                              changes_of=lambda h: audit.diff({}, audit.snapshot(h)))
        return out

    def _write(self, accepted: list[tuple[ImportRow, Division]], existing: dict[str, Resident],
               households: dict[int, Household], result: ChunkResult) -> None:
        rejected = {error["row"] for error in result.errors}
        creates: list[Resident] = []
        updates: list[tuple[Resident, dict[str, Any]]] = []
        for row, grid in accepted:
            if row.number in rejected:
                continue
            v = row.values
            hh = households.get(row.number)
            current = existing.get(v["id_number"])
            if current is None:
                creates.append(self._new_resident(v, grid, hh))
                continue
            before = _snapshot(current)
            self._apply(current, v, grid, hh)
            if _snapshot(current) == before:
                result.duplicates += 1
            else:
                updates.append((current, before))
        if creates:
            _insert_residents(creates)
            audit.record_many(AuditAction.CREATE, creates, verb="import_residents",
                              changes_of=lambda r: audit.diff({}, _snapshot(r)))
            result.imported += len(creates)
        if updates:
            objs = [r for r, _ in updates]
            _update_residents(updates)
            befores = {id(r): before for r, before in updates}
            audit.record_many(AuditAction.UPDATE, objs, verb="import_residents",
                              changes_of=lambda r: audit.diff(befores[id(r)], _snapshot(r)))
            result.updated += len(objs)

    @staticmethod
    def _new_resident(v: dict[str, Any], grid: Division, hh: Household | None) -> Resident:
        full, initials = name_pinyin(v["name"])
        number = v["id_number"]
        return Resident(
            name=v["name"], name_pinyin=full, name_initials=initials, id_number=number, sex=id_sex(number),
            birth_date=id_birth_date(number), phone=v["phone"] or "", address=v["address"] or (hh.address if hh else ""),
            household=hh, relation_to_head=v["relation"] or "", grid=grid,
            status=v["status"] or ResidentStatus.PRESENT, away_to=v["away_to"] or "",
        )

    @staticmethod
    def _apply(resident: Resident, v: dict[str, Any], grid: Division, hh: Household | None) -> None:
        """Set what the row says; blank cells keep the registry's value."""
        resident.name = v["name"]
        resident.grid = grid  # the object, not the id: the audit row reads the grid's path
        for column, attr in (("phone", "phone"), ("address", "address"), ("relation", "relation_to_head"),
                             ("status", "status"), ("away_to", "away_to")):
            if v[column] is not None and v[column] != "":
                setattr(resident, attr, v[column])
        if hh is not None:
            resident.household_id = hh.pk


# Residents are written as plain rows (see bulk.py): Django's bulk_create spent most of an
# import's time preparing values field by field, and bulk_update (CASE WHEN per row) was
# slower still. The rows are the ones the ORM would write; audit rows still go through core.audit.
_WRITTEN = ("name", "name_pinyin", "name_initials", "id_number", "sex", "birth_date", "phone", "address",
            "household_id", "relation_to_head", "grid_id", "status", "away_to", "updated_at")


def _column(field: str) -> str:
    return Resident._meta.get_field(field).column


def _insert_residents(residents: list[Resident]) -> None:
    ops = connection.ops
    now_value = timezone.now()
    now = ops.adapt_datetimefield_value(now_value)
    rows = []
    for r in residents:
        values = [getattr(r, f) for f in _WRITTEN]
        values[5] = ops.adapt_datefield_value(r.birth_date)
        values[-1] = now
        rows.append(values)
    insert_rows(Resident._meta.db_table, [_column(f) for f in _WRITTEN], rows)
    ids = dict(Resident.objects.filter(id_number__in=[r.id_number for r in residents])
               .values_list("id_number", "id"))
    for r in residents:
        r.pk, r.updated_at = ids[r.id_number], now_value
        r._state.adding, r._state.db = False, connection.alias


def _update_residents(updates: list[tuple[Resident, dict[str, Any]]]) -> None:
    """UPDATE only the columns that changed, one statement set per set of changed columns: an
    unchanged indexed column (ID number, name, phone …) then costs no index write."""
    now_value = timezone.now()
    now = connection.ops.adapt_datetimefield_value(now_value)
    groups: dict[tuple[str, ...], list[list[Any]]] = {}
    for r, before in updates:
        changed = tuple(f for f in _FIELDS if getattr(r, f) != before[f])
        if "name" in changed:
            r.name_pinyin, r.name_initials = name_pinyin(r.name)
            changed += ("name_pinyin", "name_initials")
        r.updated_at = now_value
        groups.setdefault(changed, []).append([*(getattr(r, f) for f in changed), now, r.pk])
    for changed, rows in groups.items():
        update_rows(Resident._meta.db_table, [_column(f) for f in (*changed, "updated_at")], rows)


def run_registry_batch(batch: Batch, data: bytes | None = None) -> Batch:
    """Runner of a registry batch (inline, in the worker or from the CLI): read the file, import the rows."""
    if data is None:
        with batch.file.open("rb") as fh:
            data = fh.read()
    table = open_table(data, batch.file_name, _mapping(batch.options))
    return import_table(batch, table)


def _mapping(options: dict[str, Any]) -> dict[str, int | None] | None:
    mapping = options.get("mapping")
    return {k: (int(v) if v is not None else None) for k, v in mapping.items()} if mapping else None


def import_table(batch: Batch, table: Table) -> Batch:
    """Import an opened table into the registry as the batch's creator."""
    user = batch.created_by
    if user is not None and not may_import(user):
        raise PermissionDenied("您没有导入常住人口台账的权限")
    table.check()
    return run_import(batch, table, RegistryImporter(user), columns=COLUMNS)


def import_file(path: str | Path, *, user: User | None = None, mapping: dict[str, int | None] | None = None) -> Batch:
    """Import a local file at once (the CLI): the file is not copied, its SHA-256 is recorded."""
    return core_import_file(KIND, path, user=user, options={"mapping": mapping} if mapping else {})


def start_upload(batch: Batch, *, background: bool | None = None) -> Batch:
    """Run an uploaded, mapped batch: now when small, in the worker when large."""
    return start_batch(batch, background=background)


def _cli_fields(opts: dict[str, Any], user: User | None) -> dict[str, Any]:
    if user is not None and not may_import(user):
        raise PermissionDenied("您没有导入常住人口台账的权限")
    mapping = opts.get("mapping")
    return {"options": {"mapping": dict(mapping)}} if mapping else {}


KIND = register_kind(ImportKind(
    name="residents", batch_kind=BATCH_KIND, label="常住人口台账", columns=COLUMNS, run=run_registry_batch,
    roles=tuple(REGISTRY_EDITORS), fields=_cli_fields, object_type="registry.resident",
    aliases=("import_residents",),
))


def mapping_choices(headers: Sequence[str]) -> list[tuple[int, str]]:
    return [(i, h) for i, h in enumerate(headers) if h]
