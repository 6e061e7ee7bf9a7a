"""A big sales list is resolved in this process and written by the screening writer process
(records and daily counts in each chunk's transaction): the result must be exactly what the same
list gives written inline — persons merged by ID number and by phone across chunks, duplicates
within and across chunks, bad rows with their row numbers and reasons, counts and audit. As in
`screening/tests/test_writer_process.py`, PostgreSQL checks this in its test database and SQLite
in a subprocess against a database file (an in-memory database cannot be shared)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from fangkong.core.testkit.fresh_sqlite import run_on_a_sqlite_file

ROOT = Path(__file__).resolve().parents[3]
HEADER = ["药店名称", "药品名称", "数量", "购药人姓名", "身份证号码", "联系电话", "购药时间"]
CHUNK = 7


def _outsider_id(seq: int) -> str:
    from fangkong.core.identity import check_digit

    first17 = f"310115198805{seq % 28 + 1:02d}{seq % 1000:03d}"
    return first17 + check_digit(first17)


def _rows(code: str) -> tuple[list[list[str]], dict[str, int]]:
    """Residents met again in later chunks, a phone-only buyer whose ID number comes chunks later,
    张伟 / 章伟 on one phone, repeated rows, bad rows and drugs outside the catalogue in the middle
    of chunks; returns the rows and the row numbers (the header is row 1) of the bad ones."""
    from fangkong.registry.models import Resident

    residents = list(Resident.objects.filter(id_number__isnull=False).exclude(phone="").order_by("id")
                     .values_list("name", "id_number", "phone")[:20])
    rows: list[list[str]] = []
    bad: dict[str, int] = {}
    for i in range(90):
        at = f"2022-07-{1 + i % 5:02d} {8 + i % 10:02d}:{i % 60:02d}"
        nm, idn, ph = residents[(i * 7) % len(residents)]
        rows.append([code, "芬必得", "1", nm, idn, ph, at])
        if i % 5 == 0:
            rows.append(rows[-1])  # the same row again
        if i % 9 == 0:
            rows.append([code, "布洛芬", "2", f"周{i}", "", f"1381111{i:04d}", at])  # known by phone only…
        if i % 9 == 4:  # … then with an ID number, in a later chunk
            rows.append([code, "布洛芬", "1", f"周{i - 4}", _outsider_id(i - 4), f"1381111{i - 4:04d}", at])
        if i % 11 == 3:
            rows.append([code, "布洛芬", "1", f"坏{i}", "4.10102E+17", "", at])
            bad[f"坏{i}"] = len(rows) + 1
        if i % 13 == 5:
            rows.append([code, "维生素C泡腾片", "1", f"钱{i}", "", f"1390000{i:04d}", at])
            bad[f"钱{i}"] = len(rows) + 1
        if i % 17 == 2:
            rows.append([code, "止咳糖浆", "1", "张伟" if i % 2 else "章伟", "", "13899990000", at])
    return rows, bad


def _import(data: bytes, *, process: bool) -> dict:
    from fangkong.core.actions import SYSTEM
    from fangkong.core.imports import batch_result, do_create_batch
    from fangkong.core.models import AuditItem
    from fangkong.sectors.sentinel import imports

    used, refreshed = [], []

    def allowed(data: bytes | None) -> bool:
        used.append(process)
        return process

    audited = Counter(AuditItem.objects.values_list("object_type", flat=True))
    allowed_before, chunk_before = imports.writer_process_allowed, imports.CHUNK_ROWS
    refresh_before = imports._refresh_statistics
    imports.writer_process_allowed, imports.CHUNK_ROWS = allowed, CHUNK
    imports._refresh_statistics = lambda batch: refreshed.append(batch.imported)
    try:
        batch = do_create_batch(kind=imports.BATCH_KIND, file_name="s.csv", content=data, store=False,
                                acting_user=SYSTEM)
        imports.run_sentinel_batch(batch, data)
    finally:
        imports.writer_process_allowed, imports.CHUNK_ROWS = allowed_before, chunk_before
        imports._refresh_statistics = refresh_before
    out = batch_result(batch)
    batch.refresh_from_db()
    # The statistics are refreshed once, with every row counted (on PostgreSQL while the writer
    # commits its last chunks).
    assert refreshed == [batch.imported]
    return {"used_process": used == [True], "status": out["status"],
            "counts": [out[k] for k in ("rows", "imported", "duplicates", "rejected")],
            "stored": [batch.rows, batch.imported, batch.duplicates, batch.rejected],
            "audit_items": Counter(AuditItem.objects.values_list("object_type", flat=True)) - audited,
            "errors": [[e["row"], e["reasons"]] for e in out["errors"]]}


def _summary() -> dict:
    """Persons, records and counts by what they say (ids differ between runs)."""
    from fangkong.screening.models import MergeCandidate, Person
    from fangkong.screening.rollups import live_counts, stored_counts
    from fangkong.sectors.models import SentinelCount, SentinelRecord

    persons = sorted(
        [p.name, p.id_number or "", p.phone, p.status, p.division_id,
         sorted([lead.channel, lead.row_number or 0, lead.verification.status] for lead in p.leads.all()),
         p.verifications.count()]
        for p in Person.objects.prefetch_related("leads__verification", "verifications"))
    records = sorted(
        [r.name, r.id_number, r.phone, r.occurred_at.isoformat(), r.drug_class, r.quantity,
         r.person.name, r.person.id_number or "", r.verification.status]
        for r in SentinelRecord.objects.select_related("person", "verification"))
    return {"persons": persons, "records": records,
            "counts": sorted(SentinelCount.objects.values_list("venue_id", "day", "kind", "division_id", "n")),
            "candidates": MergeCandidate.objects.count(), "counts_kept": stored_counts() == live_counts()}


def _clear() -> None:
    from fangkong.screening.models import Lead, MergeCandidate, Person, Verification
    from fangkong.screening.rollups import rebuild_board_rollups
    from fangkong.sectors.models import SentinelCount, SentinelRecord

    for model in (SentinelRecord, SentinelCount, Lead, MergeCandidate, Verification, Person):
        model.objects.all().delete()
    rebuild_board_rollups()


def compare_inline_and_process() -> dict:
    """The same list imported inline and through the writer process, each after one of its buyers
    was pushed by another channel (known by ID number)."""
    from fangkong.core.models import Division
    from fangkong.screening.choices import Channel
    from fangkong.screening.intake import LeadInput, ingest
    from fangkong.sectors.tests.factories import make_venue

    grid = Division.objects.filter(level="grid").order_by("path").first()
    venue = make_venue(grid, "pharmacy", name="写入进程大药房")
    rows, bad = _rows(venue.credit_code)
    data = "\n".join(",".join(r) for r in [HEADER, *rows]).encode() + b"\n"
    known = rows[0]
    out = {}
    for name, process in (("inline", False), ("process", True)):
        _clear()
        ingest([LeadInput(name=known[3], id_number=known[4], phone=known[5])], channel=Channel.BIG_DATA)
        out[name] = [_import(data, process=process), _summary()]
    out["again"] = _import(data, process=True)  # the same file again adds nothing
    out["bad"], out["known"] = bad, known[4]
    return out


def _check(result: dict) -> None:
    (inline, inline_rows), (process, process_rows) = result["inline"], result["process"]
    assert (inline["used_process"], process["used_process"]) == (False, True)
    rows, imported, duplicates, rejected = inline["counts"]
    assert imported > 80 and duplicates >= 18 and rejected == len(result["bad"])
    assert inline["stored"] == inline["counts"] and inline["status"] == "done"
    # Bad rows in the middle of chunks keep their row numbers and reasons.
    assert [row for row, _reasons in inline["errors"]] == sorted(result["bad"].values())
    reasons = dict((row, " ".join(r)) for row, r in inline["errors"])
    assert all("身份证" in reasons[n] for k, n in result["bad"].items() if k.startswith("坏"))
    assert all("不在四类药品目录中" in reasons[n] for k, n in result["bad"].items() if k.startswith("钱"))
    # The buyer pushed by another channel is one person with both leads, one open task.
    known = [p for p in inline_rows["persons"] if p[1] == result["known"]]
    assert len(known) == 1 and {c for c, _row, _status in known[0][5]} == {"big_data", "sentinel"}
    assert known[0][6] == 1
    # A phone-only buyer given an ID number later is the same person.
    zhou = [p for p in inline_rows["persons"] if p[0] == "周0"]
    assert len(zhou) == 1 and zhou[0][1] and zhou[0][6] == 1
    assert inline_rows["candidates"] == 1 and inline_rows["counts_kept"]
    assert sum(n for *_key, n in inline_rows["counts"]) == imported
    assert inline["audit_items"] == {"screening.person": len(inline_rows["persons"]) - 1,
                                     "screening.verification": len(inline_rows["persons"]) - 1}
    assert {**process, "used_process": False} == inline and process_rows == inline_rows
    again = result["again"]
    assert again["used_process"] and again["counts"] == [rows, 0, rows - rejected, rejected]


@pytest.mark.django_db(transaction=True)
def test_a_sales_list_written_by_the_writer_process_is_the_list_written_inline(restore_county):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("in-memory SQLite: see the subprocess test below")
    _check(json.loads(json.dumps(compare_inline_and_process(), default=str)))


def test_on_a_sqlite_file_the_writer_process_writes_the_sales_inline_writes(tmp_path):
    _check(run_on_a_sqlite_file(tmp_path, "fangkong.sectors.tests.test_sentinel_writer:compare_inline_and_process"))
