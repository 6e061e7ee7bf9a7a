"""A big checkpoint list is resolved in this process and written by the screening writer process
(vehicles, persons, arrivals from risk areas as leads, audit in each chunk's transaction): the
result must be exactly what the same list gives written inline — a vehicle met again in a later
chunk (not committed yet) is the same vehicle, a repeated person a duplicate, bad rows keep their
row numbers and reasons. PostgreSQL checks this in its test database, SQLite in a subprocess
against a database file (an in-memory database cannot be shared)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from fangkong.core.testkit.fresh_sqlite import run_on_a_sqlite_file

ROOT = Path(__file__).resolve().parents[3]
HEADER = ["卡口编号", "登记时间", "姓名", "身份证号", "手机号", "出发地", "目的地", "健康码", "行程卡", "核酸结果",
          "车牌号", "车辆类型", "14天途经地", "是否过境"]
CHUNK = 8


def _rows(code: str) -> tuple[list[list[str]], dict[str, int]]:
    """Carloads from a risk area (by origin or by a stopover) and from elsewhere, a car whose
    riders run across chunks, repeated rows, residents and bad ID numbers in the middle of chunks;
    returns the rows and the row numbers (the header is row 1) of the bad ones."""
    from django.utils import timezone

    from fangkong.registry.models import Resident
    from fangkong.sectors.tests.factories_checkpoints import outsider_id

    residents = list(Resident.objects.filter(id_number__isnull=False).order_by("id")
                     .values_list("name", "id_number")[:10])
    today = timezone.localdate()
    rows: list[list[str]] = []
    bad: dict[str, int] = {}
    for i in range(40):
        at = f"{today - timezone.timedelta(days=i % 3):%Y-%m-%d} {8 + i % 4:02d}:{i % 7:02d}"
        origin = "上海市浦东新区张江镇" if i % 4 == 0 else "江苏省南京市玄武区"
        stop = "上海浦东新区" if i % 6 == 1 else ""
        plate = f"苏A{10000 + i % 9}"  # the same car and minute again chunks later
        for seat in range(1 + i % 3):
            name, idn = residents[(i + seat) % len(residents)] if seat == 0 and i % 5 == 0 else (
                f"外来{i}_{seat}", outsider_id(1000 + i * 3 + seat))
            rows.append([code, at, name, idn, f"1390000{i:02d}{seat:02d}", origin, "县城宾馆", "绿码", "正常", "阴性",
                         plate, "小型客车", stop, "否"])
        if i % 7 == 0:
            rows.append(rows[-1])
        if i % 9 == 4:
            rows.append([code, at, f"坏{i}", "4.10102E+17", "", origin, "", "绿码", "正常", "阴性", plate, "小型客车",
                         "", "否"])
            bad[f"坏{i}"] = len(rows) + 1
    return rows, bad


def _import(data: bytes, *, process: bool) -> dict:
    from fangkong.core.actions import SYSTEM
    from fangkong.core.imports import batch_result, do_create_batch
    from fangkong.core.models import AuditItem, AuditLog
    from fangkong.sectors import imports_checkpoints as imports

    used = []

    def allowed(data: bytes | None) -> bool:
        used.append(process)
        return process

    audited = Counter(AuditItem.objects.values_list("object_type", flat=True))
    allowed_before, chunk_before = imports.writer_process_allowed, imports.CHUNK
    imports.writer_process_allowed, imports.CHUNK = allowed, CHUNK
    try:
        batch = do_create_batch(kind=imports.BATCH_KIND, file_name="c.csv", content=data, store=False,
                                acting_user=SYSTEM)
        imports.run_checkpoint_batch(batch, data)
    finally:
        imports.writer_process_allowed, imports.CHUNK = allowed_before, chunk_before
    out = batch_result(batch)
    batch.refresh_from_db()
    return {"used_process": used == [True], "status": out["status"],
            "counts": [out[k] for k in ("rows", "imported", "duplicates", "rejected")],
            "stored": [batch.rows, batch.imported, batch.duplicates, batch.rejected, batch.options["leads"]],
            "audit_items": Counter(AuditItem.objects.values_list("object_type", flat=True)) - audited,
            # The rows carry their batch: counted by the batch's entries, one per village.
            "audited": sum((Counter(e.changes["objects"]) for e in AuditLog.objects.filter(
                verb="import_checkpoint_registrations", object_id=str(batch.pk))), Counter()),
            "errors": [[e["row"], e["reasons"]] for e in out["errors"]]}


def _summary() -> dict:
    """Vehicles, registrations, persons and leads by what they say (ids differ between runs)."""
    from fangkong.screening.models import Lead, Person
    from fangkong.screening.rollups import live_counts, stored_counts
    from fangkong.sectors.models import PersonCheck, VehicleCheck

    cars = {v.pk: [v.plate, v.registered_at.isoformat()] for v in VehicleCheck.objects.all()}
    vehicles = sorted([v.plate, v.registered_at.isoformat(), v.occupants, v.from_risk, v.risk_area]
                      for v in VehicleCheck.objects.all())
    leads = {lead.pk: [lead.name, lead.division_id] for lead in Lead.objects.all()}
    checks = sorted([c.name, c.id_number, c.registered_at.isoformat(), c.from_risk, c.risk_area,
                     cars.get(c.vehicle_id), leads.get(c.lead_id)] for c in PersonCheck.objects.all())
    persons = sorted([p.name, p.id_number or "", p.division_id, p.verifications.count()]
                     for p in Person.objects.prefetch_related("verifications"))
    return {"vehicles": vehicles, "checks": checks, "persons": persons, "leads": Lead.objects.count(),
            "counts_kept": stored_counts() == live_counts()}


def _clear() -> None:
    from fangkong.screening.models import Lead, MergeCandidate, Person, Verification
    from fangkong.screening.rollups import rebuild_board_rollups
    from fangkong.sectors.models import PersonCheck, VehicleCheck

    for model in (PersonCheck, VehicleCheck, Lead, MergeCandidate, Verification, Person):
        model.objects.all().delete()
    rebuild_board_rollups()


def compare_inline_and_process() -> dict:
    """The same list imported inline and through the writer process."""
    from fangkong.core.models import Division
    from fangkong.sectors.tests.factories_checkpoints import make_checkpoint, make_risk_area

    grid = Division.objects.filter(level="grid").order_by("path").first()
    checkpoint = make_checkpoint(grid, code="W001", name="写入进程卡口")
    make_risk_area("上海市", "", "浦东新区")
    rows, bad = _rows(checkpoint.code)
    data = "\n".join(",".join(r) for r in [HEADER, *rows]).encode() + b"\n"
    out = {}
    for name, process in (("inline", False), ("process", True)):
        _clear()
        out[name] = [_import(data, process=process), _summary()]
    out["again"] = _import(data, process=True)  # the same file again adds nothing
    out["bad"] = bad
    return out


def _check(result: dict) -> None:
    (inline, inline_rows), (process, process_rows) = result["inline"], result["process"]
    assert (inline["used_process"], process["used_process"]) == (False, True)
    rows, imported, duplicates, rejected = inline["counts"]
    assert inline["status"] == "done" and inline["stored"][:4] == inline["counts"]
    assert imported > 60 and duplicates >= 6 and rejected == len(result["bad"])
    assert [row for row, _reasons in inline["errors"]] == sorted(result["bad"].values())
    assert all("身份证" in " ".join(reasons) for _row, reasons in inline["errors"])
    # A car met again in later chunks is one vehicle with all its riders; arrivals from the risk
    # area are leads routed to the checkpoint's grid, each registration holding its lead.
    plates = Counter((v[0], v[1]) for v in inline_rows["vehicles"])
    assert max(plates.values()) == 1 and len(inline_rows["vehicles"]) < imported
    risky = [c for c in inline_rows["checks"] if c[3]]
    assert risky and all(c[6] is not None for c in risky) and all(c[6] is None for c in inline_rows["checks"]
                                                                   if not c[3])
    assert inline["stored"][4] == len(risky) and inline_rows["leads"] == len(risky)
    assert set(inline["audit_items"]) == {"screening.person", "screening.verification"}  # the leads' only
    assert inline["audited"]["sectors.personcheck"] == len(inline_rows["checks"])
    assert inline["audited"]["sectors.vehiclecheck"] == len(inline_rows["vehicles"])
    assert inline_rows["counts_kept"]
    assert {**process, "used_process": False} == inline and process_rows == inline_rows
    again = result["again"]
    assert again["used_process"] and again["counts"] == [rows, 0, rows - rejected, rejected]


@pytest.mark.django_db(transaction=True)
def test_a_checkpoint_list_written_by_the_writer_process_is_the_list_written_inline(restore_county):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("in-memory SQLite: see the subprocess test below")
    _check(json.loads(json.dumps(compare_inline_and_process(), default=str)))


def test_on_a_sqlite_file_the_writer_process_writes_the_checkpoint_list_inline_writes(tmp_path):
    _check(run_on_a_sqlite_file(tmp_path, "fangkong.sectors.tests.test_checkpoint_writer:compare_inline_and_process"))
