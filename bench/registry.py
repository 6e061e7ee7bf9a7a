"""Generator and registry-import throughput.

1. Generate the county (default 300,000 residents; BENCH_POPULATION overrides) → residents/s.
2. Export part of the registry as a ledger users would send: a CSV of 100,000 rows and an
   xlsx of 20,000 rows (BENCH_CSV_ROWS / BENCH_XLSX_ROWS), with a title row and Chinese headers.
3. Import them: unchanged (no-op), with every phone changed (updates, audited), and as
   new residents (fresh ID numbers) → rows/s.
Baselines measured in the same run on the same rows: DuckDB reading the CSV, the csv module
reading it, and a raw executemany INSERT of the same new residents into the same table
(rolled back) — what the import costs over moving bytes, and over writing rows with no
checks, households, scope or audit.
"""

from __future__ import annotations

import csv
import os
import tempfile
import time
from pathlib import Path

from bench.common import setup_django, timed

HEADER = ["姓名", "身份证号", "联系电话", "现住址", "户主", "与户主关系", "户编号", "所属网格", "状态"]


def _export_rows(limit: int) -> list[list[str]]:
    from fangkong.registry.models import Resident

    labels = {"present": "在家", "away": "外出", "moved_out": "已迁出", "deceased": "已故"}
    rows = Resident.objects.order_by("id").values_list(
        "name", "id_number", "phone", "address", "household__head_name", "relation_to_head", "household__code",
        "grid__code", "status",
    )[:limit]
    return [[*r[:8], labels[r[8]]] for r in rows]


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(["坝上示范县常住人口基础台账"])
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    sheet.append(["坝上示范县常住人口基础台账"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _new_people(rows: list[list[str]], region: str) -> list[list[str]]:
    """The same households with other people: ID numbers moved to a region of province 65
    (unused by the generator), order codes kept unique, check digits recomputed."""
    from fangkong.core.identity import check_digit

    out = []
    for i, row in enumerate(rows):
        first17 = f"{region}{row[1][6:14]}{i % 1000:03d}"
        number = first17 + check_digit(first17)
        out.append([row[0], number, *row[2:]])
    # Keep only the first of any ID clash (same birth date and order code) so every row is new.
    seen: set[str] = set()
    return [r for r in out if not (r[1] in seen or seen.add(r[1]))]


def _raw_insert_seconds(rows: list[list[str]]) -> float:
    """A raw executemany of the same residents into the same table, rolled back."""
    from django.db import connection, transaction
    from django.utils import timezone

    from fangkong.core.identity import id_birth_date, id_sex
    from fangkong.core.models import Division
    from fangkong.registry.models import Household

    grids = dict(Division.objects.filter(level="grid").values_list("code", "id"))
    households = dict(Household.objects.values_list("code", "id"))
    status = {"在家": "present", "外出": "away", "已迁出": "moved_out", "已故": "deceased"}
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [
        (r[0], "", "", r[1], id_sex(r[1]), connection.ops.adapt_datefield_value(id_birth_date(r[1])), r[2], r[3],
         households.get(r[6]), r[5], grids[r[7]], status[r[8]], "", now)
        for r in rows
    ]
    columns = ("name", "name_pinyin", "name_initials", "id_number", "sex", "birth_date", "phone", "address",
               "household_id", "relation_to_head", "grid_id", "status", "away_to", "updated_at")
    sql = f"INSERT INTO registry_resident ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    start = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for i in range(0, len(params), 5000):
                cursor.executemany(sql, params[i:i + 5000])
            elapsed = time.perf_counter() - start
            raise _Rollback
    except _Rollback:
        pass
    return elapsed


class _Rollback(Exception):
    pass


def _import(path: Path, user) -> dict:
    from fangkong.registry.imports import import_file

    start = time.perf_counter()
    batch = import_file(path, user=user)
    secs = time.perf_counter() - start
    assert batch.status == "done", batch.message
    return {"s": round(secs, 3), "rows_per_s": round(batch.rows / secs), "imported": batch.imported,
            "updated": batch.updated, "unchanged": batch.duplicates, "rejected": batch.rejected}


def _search_last_digits() -> dict:
    """County-wide "last four digits" searches through the indexed tail columns, against the
    LIKE '%1234' scan they replace (the baseline), over the same 200 four-digit terms."""
    from django.db.models import Q

    from fangkong.registry.models import Resident
    from fangkong.registry.search import search_residents

    terms = [f"{i * 37 % 10000:04d}" for i in range(200)]
    everyone = Resident.objects.all()
    start = time.perf_counter()
    found = sum(search_residents(everyone, t).count() for t in terms)
    search_s = time.perf_counter() - start
    start = time.perf_counter()
    baseline = sum(everyone.filter(Q(id_number__endswith=t) | Q(phone__endswith=t)).count() for t in terms)
    baseline_s = time.perf_counter() - start
    assert found == baseline, (found, baseline)
    return {"search_last4_terms": len(terms), "search_last4_s": round(search_s, 3),
            "baseline_like_scan_s": round(baseline_s, 3), "ratio_search_last4_vs_like_scan": round(search_s / baseline_s, 3)}


def main(db: str) -> dict:
    setup_django(db, "registry")
    import duckdb

    from fangkong.core.imports import read_table
    from fangkong.core.models import AuditLog, User
    from fangkong.registry.generator import CountySpec, generate_county
    from fangkong.registry.imports import COLUMNS

    population = int(os.environ.get("BENCH_POPULATION", "300000"))
    csv_rows = int(os.environ.get("BENCH_CSV_ROWS", "100000"))
    xlsx_rows = int(os.environ.get("BENCH_XLSX_ROWS", "20000"))
    # Other processes on the machine skew every timing; the load average says how much.
    figures: dict = {"population": population, "load_avg_at_start": round(os.getloadavg()[0], 1)}
    with timed(figures, "generate_s"):
        generate_county(CountySpec(population=population))
    figures["generate_residents_per_s"] = round(population / figures["generate_s"])

    tmp = Path(tempfile.mkdtemp(prefix="fangkong-bench-"))
    rows = _export_rows(csv_rows)
    csv_path = _write_csv(tmp / "台账.csv", rows)
    xlsx_path = _write_xlsx(tmp / "台账.xlsx", rows[:xlsx_rows])
    figures.update(csv_rows=len(rows), xlsx_rows=min(xlsx_rows, len(rows)))

    # Reading only: the framework's reader against the csv module and DuckDB on the same file.
    with timed(figures, "read_table_csv_s"):
        n = sum(1 for _ in read_table(csv_path, csv_path.name, COLUMNS))
    assert n == len(rows)
    with timed(figures, "baseline_csv_module_s"), open(csv_path, newline="", encoding="utf-8-sig") as fh:
        sum(1 for _ in csv.reader(fh))
    with timed(figures, "baseline_duckdb_read_csv_s"):
        duckdb.sql(f"SELECT count(*) FROM read_csv('{csv_path}', skip=1, header=true, all_varchar=true)").fetchall()
    with timed(figures, "read_table_xlsx_s"):
        sum(1 for _ in read_table(xlsx_path, xlsx_path.name, COLUMNS))

    commander = User.objects.get(username="commander")
    audit_before = AuditLog.objects.count()
    figures["import_csv_noop"] = _import(csv_path, commander)
    figures["import_xlsx_noop"] = _import(xlsx_path, commander)
    figures["noop_audit_rows"] = AuditLog.objects.count() - audit_before

    changed = [[*r[:2], "139" + r[1][-8:].replace("X", "0"), *r[3:]] for r in rows]
    figures["import_csv_updates"] = _import(_write_csv(tmp / "台账-改电话.csv", changed), commander)

    new = _new_people(rows, "650102")
    new_csv = _write_csv(tmp / "台账-新增.csv", new)
    figures["baseline_raw_insert_s"] = round(_raw_insert_seconds(new), 3)
    figures["import_csv_new"] = _import(new_csv, commander)
    new_xlsx = _write_xlsx(tmp / "台账-新增.xlsx", _new_people(rows[:xlsx_rows], "650103"))
    figures["import_xlsx_new"] = _import(new_xlsx, commander)

    figures.update(_search_last_digits())
    figures["load_avg_at_end"] = round(os.getloadavg()[0], 1)
    figures["ratio_read_table_vs_csv_module"] = round(figures["read_table_csv_s"] / figures["baseline_csv_module_s"], 2)
    figures["ratio_read_table_vs_duckdb"] = round(figures["read_table_csv_s"] / figures["baseline_duckdb_read_csv_s"], 2)
    figures["ratio_import_new_vs_raw_insert"] = round(figures["import_csv_new"]["s"] / figures["baseline_raw_insert_s"], 2)
    return figures
