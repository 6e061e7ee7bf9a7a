"""Big imports are written by a forked process while the next chunk is planned: the result must
be exactly what the same file gives written inline. On PostgreSQL the suite checks this in its
own database; an in-memory SQLite test database cannot be shared with a second process, so on
SQLite the same check runs in a subprocess against a database file."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from django.db import connection

from fangkong.core.testkit.fresh_sqlite import run_on_a_sqlite_file

from .helpers import csv_bytes, outsider_id

ROOT = Path(__file__).resolve().parents[3]


def _rows() -> list[list[str]]:
    """People met again in later chunks, an ID number arriving after a phone-only row, 张伟 / 章伟
    on one phone, repeated rows, bad rows, and residents of the county by ID number."""
    from fangkong.registry.models import Resident

    residents = list(Resident.objects.filter(id_number__isnull=False).exclude(phone="").order_by("id")
                     .values_list("name", "id_number", "phone")[:40])
    rows = []
    for i in range(300):
        day = f"2022-07-{1 + i % 5:02d}"
        nm, idn, ph = residents[(i * 7) % len(residents)]
        rows.append([nm, idn, ph, "北京" if i % 3 else "上海", day, "", f"{day} {i // 60:02d}:{i % 60:02d}"])
        if i % 11 == 0:
            rows.append(rows[-1])  # the same row again: a duplicate
        if i % 5 == 0:  # the same person from elsewhere, in this chunk or the next
            rows.extend([["占位", "", "13700000000", "北京", day, "", ""]] * 6 + [[nm, idn, ph, "重庆", day, "", ""]])
        if i % 7 == 3:  # … or two chunks later, while both may still be uncommitted
            rows.extend([["占位", "", "13700000000", "北京", day, "", ""]] * 13 + [[nm, idn, ph, "成都", day, "", ""]])
        if i % 13 == 0:
            rows.append([f"周{i}", "", f"1381111{i:04d}", "北京", day, "", ""])
        if i % 13 == 6:
            rows.append([f"周{i - 6}", outsider_id(i), f"1381111{i - 6:04d}", "天津", day, "", ""])
        if i % 17 == 0:
            rows.append(["张伟" if i % 2 else "章伟", "", "13899990000", "广州", day, "", ""])
        if i % 19 == 0:
            rows.append([f"坏{i}", "4.10102E+17", "", "北京", day, "", ""])
    return rows


def _import(rows: list[list[str]]) -> dict:
    from fangkong.core.testkit import named_users
    from fangkong.screening import imports

    data = csv_bytes(rows)
    batch = imports.create_lead_batch(data=data, file_name="w.csv", channel="big_data", source="",
                                user=named_users()["big_data_admin"], keep_file=False)
    out = imports.run_lead_import(batch, data)
    batch.refresh_from_db()
    return {k: out[k] for k in ("rows", "imported", "duplicates", "rejected")} | {
        "stored": [getattr(batch, k) for k in imports.PROGRESS_FIELDS]}


def _summary() -> dict:
    """Persons by who they are, with their leads and tasks; ids differ between runs, this does not."""
    from fangkong.screening.models import MergeCandidate, Person

    persons = sorted(
        (p.name, p.id_number or "", p.phone, p.status, p.division_id,
         sorted((lead.row_number, lead.verification.status) for lead in p.leads.select_related("verification")),
         p.verifications.count())
        for p in Person.objects.prefetch_related("leads", "verifications"))
    return {"persons": persons, "candidates": MergeCandidate.objects.count()}


def _clear() -> None:
    from fangkong.screening.models import Lead, MergeCandidate, Person, Verification
    from fangkong.screening.rollups import rebuild_board_rollups

    for model in (Lead, MergeCandidate, Verification, Person):
        model.objects.all().delete()
    rebuild_board_rollups()  # the board's counts of the rows just deleted


def compare_inline_and_process() -> dict:
    """Import the same list inline and through the writer process (chunks of 7 rows)."""
    from fangkong.screening import imports
    from fangkong.screening.rollups import live_counts, stored_counts

    used = []
    enter, apply = imports._WriterProcess.__enter__, imports.apply

    def spy(self):
        used.append(True)
        return enter(self)

    def slow_apply(rows):  # the writer is still in chunk n's transaction while n + 1 is looked up
        time.sleep(0.03)
        apply(rows)

    imports._WriterProcess.__enter__, imports.apply, imports.IMPORT_CHUNK = spy, slow_apply, 7
    try:
        rows = _rows()
        imports.WRITER_PROCESS_BYTES = 10**12
        inline = _import(rows), _summary()
        _clear()
        imports.WRITER_PROCESS_BYTES = 0
        process = _import(rows), _summary()
        again = _import(rows)  # the same file again adds nothing
    finally:
        imports._WriterProcess.__enter__, imports.apply = enter, apply
    return {"inline": inline, "process": process, "again": again, "used_process": len(used),
            "counts_kept": stored_counts() == live_counts()}


def _check(result: dict) -> None:
    inline, process = result["inline"], result["process"]
    assert result["used_process"] == 2  # the second and third imports
    assert inline[0]["imported"] > 300 and inline[0]["duplicates"] > 0 and inline[0]["rejected"] > 0
    assert process == inline
    assert result["again"]["imported"] == 0
    assert result["again"]["duplicates"] == inline[0]["rows"] - inline[0]["rejected"]
    assert inline[1]["candidates"] == 1
    assert result["counts_kept"]  # the writer process keeps the board's roll-ups with its chunks


@pytest.mark.django_db(transaction=True)
def test_a_list_written_by_the_writer_process_is_the_list_written_inline(restore_county):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("in-memory SQLite: see the subprocess test below")
    result = json.loads(json.dumps(compare_inline_and_process()))  # tuples as lists, like the subprocess
    _check(result)


def test_on_a_sqlite_file_the_writer_process_writes_what_inline_writes(tmp_path):
    _check(run_on_a_sqlite_file(tmp_path, "fangkong.screening.tests.test_writer_process:compare_inline_and_process"))
