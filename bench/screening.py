"""bench/run screening — import a 1,000,000-row big-data list into the 300,000-resident county.

The county already holds 100,000 persons (with closed verifications). The list mixes
residents (matched by ID number), people from elsewhere (some with a village in their
address), phone-only rows, exact duplicates and damaged rows. The whole import — reading,
validation, dedup, person resolution, routing, task creation, audit — is timed, and compared
with the same matching written as plain DuckDB SQL over the same CSV in the same run.
Then 100,000 rows are imported from an xlsx file. The board after the import is read from its
roll-up counts (`board_s`, target 0.3 s) and counted live (`board_live_s`), and so are 001's
sentences (`screening_sentence_s`, `screening_sentence_since_s`, `push_sentence_s`, target 0.3 s,
and their `*_live_s`); at the end the kept
counts are checked against the rows and rebuilt (`rebuild_rollups_s`, the daily job). Sizes can be
lowered with BENCH_ROWS, BENCH_POPULATION, BENCH_PERSONS and BENCH_XLSX_ROWS for a quick look.
"""

from __future__ import annotations

import csv
import os
import random
import tempfile
import time
from pathlib import Path

from bench.common import setup_django, timed

ROWS = int(os.environ.get("BENCH_ROWS", 1_000_000))
POPULATION = int(os.environ.get("BENCH_POPULATION", 300_000))
PERSONS = int(os.environ.get("BENCH_PERSONS", 100_000))
XLSX_ROWS = int(os.environ.get("BENCH_XLSX_ROWS", 100_000))
HEADER = ["姓名", "身份证号", "手机号", "来源地", "到达时间", "现住址", "推送时间"]
ORIGINS = ["北京市朝阳区", "上海市浦东新区", "天津市河西区", "河北省张家口市", "内蒙古呼和浩特市", "广东省广州市"]


def _outsider_id(rng: random.Random) -> str:
    from fangkong.core.identity import check_digit

    first17 = f"{rng.choice(['110105', '310115', '120103', '440106'])}19{rng.randrange(50, 99)}" \
              f"{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}{rng.randrange(1000):03d}"
    return first17 + check_digit(first17)


def _existing_persons(n: int, rng: random.Random) -> None:
    """100,000 persons from earlier days, each with a closed (approved) verification."""
    import datetime as dt

    from django.utils import timezone

    from fangkong.registry.models import Resident
    from fangkong.screening.choices import Outcome, PersonStatus, VerificationStatus
    from fangkong.screening.models import Person, Verification

    then = timezone.now() - dt.timedelta(days=10)
    ids = list(Resident.objects.filter(id_number__isnull=False).values_list("pk", "name", "id_number", "phone",
                                                                              "grid_id")[: n])
    persons = [Person(name=nm, id_number=idn, phone=ph, resident_id=pk, division_id=g, status=PersonStatus.CLEARED,
                      module="big_data") for pk, nm, idn, ph, g in ids]
    Person.objects.bulk_create(persons, batch_size=5000)
    Verification.objects.bulk_create(
        [Verification(person=p, channel="big_data", module="big_data", division_id=p.division_id, opened_at=then,
                      located_due_at=then, sampled_due_at=then, result_due_at=then, located_at=then,
                      status=VerificationStatus.CLOSED, outcome=Outcome.CLEARED, measure_kind="health_monitoring",
                      closed_at=then) for p in persons], batch_size=5000)


def _write_list(path: Path, rows: int, rng: random.Random) -> dict:
    from fangkong.core.models import Division
    from fangkong.registry.models import Resident

    residents = list(Resident.objects.filter(id_number__isnull=False).values_list("name", "id_number", "phone"))
    villages = list(Division.objects.filter(level="village").values_list("name", "parent__name"))
    mix = {"resident": 0, "outsider": 0, "phone_only": 0, "duplicate": 0, "bad": 0}
    last: list[str] | None = None
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(rows):
            r = rng.random()
            day = f"2022-07-{1 + i % 28:02d} {8 + i % 12:02d}:{i % 60:02d}"
            if r < 0.01 and last:
                row, kind = last, "duplicate"
            elif r < 0.03:
                row, kind = [f"坏行{i}", "4.10102E+17", "", rng.choice(ORIGINS), day, "", day], "bad"
            elif r < 0.58:
                nm, idn, ph = rng.choice(residents)
                row, kind = [nm, idn, ph, rng.choice(ORIGINS), day, "", day], "resident"
            elif r < 0.90:
                v, t = rng.choice(villages)
                addr = f"{t}{v}{rng.randrange(1, 300)}号" if rng.random() < 0.5 else "暂住宾馆"
                row = [f"外来{i % 997}", _outsider_id(rng), f"13{rng.randrange(10**9):09d}", rng.choice(ORIGINS),
                       day, addr, day]
                kind = "outsider"
            else:
                row, kind = [f"手机{i % 991}", "", f"15{rng.randrange(10**9):09d}", rng.choice(ORIGINS), day, "",
                             day], "phone_only"
            w.writerow(row)
            mix[kind] += 1
            last = row
    return mix


def _duckdb_baseline(csv_path: Path) -> float:
    """The same matching in plain DuckDB SQL: dedup rows, match persons and residents by ID, else by
    phone + name, count new persons per grid. Loading the tables is not timed; reading the CSV is."""
    import duckdb
    import pyarrow as pa

    from fangkong.registry.models import Resident
    from fangkong.screening.models import Person

    res = list(Resident.objects.values_list("id_number", "phone", "name", "grid_id"))
    per = list(Person.objects.values_list("id", "id_number", "phone", "name"))
    con = duckdb.connect()
    con.register("residents", pa.table({k: [r[i] for r in res] for i, k in enumerate(["id_number", "phone", "name",
                                                                                         "grid_id"])}))
    con.register("persons", pa.table({k: [r[i] for r in per] for i, k in enumerate(["id", "id_number", "phone",
                                                                                      "name"])}))
    start = time.perf_counter()
    con.execute(f"""
        CREATE TABLE leads AS SELECT DISTINCT * FROM read_csv('{csv_path}', header=true, all_varchar=true);
        CREATE TABLE matched AS
        SELECT l.*, coalesce(p1.id, p2.id) AS person_id, coalesce(r1.grid_id, r2.grid_id) AS grid_id,
               length(l."身份证号") = 18 OR l."手机号" IS NOT NULL AS valid
        FROM leads l
        LEFT JOIN persons p1 ON p1.id_number = l."身份证号"
        LEFT JOIN persons p2 ON l."身份证号" IS NULL AND p2.phone = l."手机号" AND p2.name = l."姓名"
        LEFT JOIN residents r1 ON r1.id_number = l."身份证号"
        LEFT JOIN residents r2 ON l."身份证号" IS NULL AND r2.phone = l."手机号" AND r2.name = l."姓名";
    """)
    con.execute("SELECT grid_id, count(DISTINCT coalesce(\"身份证号\", \"手机号\")) FROM matched "
                "WHERE valid AND person_id IS NULL GROUP BY grid_id").fetchall()
    return time.perf_counter() - start


def _reports() -> dict:
    """The command centre's numbers over the imported list: the 日清日结 board and 001's two
    sentences (today's, and the first one since the month began, as the board prints it), each
    from its roll-up counts (`*_s`, target 0.3 s) and counted live for comparison (`*_live_s`), as
    the commander (whole county) sees them; the sentences also as a township cadre (a subtree)."""
    from django.utils import timezone

    from fangkong.core.models import User
    from fangkong.metrics import screening as M
    from fangkong.screening import reports

    commander, today, now = User.objects.get(username="commander"), timezone.localdate(), timezone.now()
    since = today.replace(day=1)
    figures: dict = {}
    with timed(figures, "board_s"):
        board = reports.board_counts(commander, today, today, now=now)
    with timed(figures, "board_live_s"):
        figures["board_equals_live"] = board == reports.board_counts_live(commander, today, today, now=now)
    for key, fn, live, start in (("screening_sentence", M.screening_figures, M.screening_figures_live, today),
                                 ("screening_sentence_since", M.screening_figures, M.screening_figures_live, since),
                                 ("push_sentence", M.push_figures, M.push_figures_live, today)):
        write = M.push_sentence if key == "push_sentence" else M.screening_sentence
        with timed(figures, f"{key}_s"):
            kept = fn(commander, start, today)
            figures[key] = write(kept)
        with timed(figures, f"{key}_live_s"):
            figures[f"{key}_equals_live"] = kept == live(commander, start, today)
    township = User.objects.filter(username="township").first()
    if township is not None:
        with timed(figures, "township_sentences_s"):
            M.screening_figures(township, since, today)
            M.push_figures(township, today, today)
    figures["board_received"] = board["total"]["received"]
    return figures


def _write_xlsx(path: Path, rows: int, rng: random.Random) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("名单")
    sheet.append(["密接人员名单"])
    sheet.append(HEADER)
    for i in range(rows):
        day = f"2022-07-{1 + i % 28:02d}"
        sheet.append([f"表格{i % 983}", _outsider_id(rng), f"18{rng.randrange(10**9):09d}", rng.choice(ORIGINS), day,
                      "", day])
    book.save(path)


def _timed_import(figures: dict, key: str, path: Path, channel: str, source: str) -> tuple:
    """Import a file as a batch; wall time as `<key>_s`, this process's CPU time as `<key>_cpu_s`
    (less sensitive than wall time to other work on a shared machine). Returns (batch, counts)."""
    from fangkong.screening.imports import create_lead_batch, run_lead_import

    data = path.read_bytes()
    batch = create_lead_batch(data=data, file_name=path.name, channel=channel, source=source, user=None, keep_file=False)
    cpu = time.process_time()
    with timed(figures, f"{key}_s"):
        out = run_lead_import(batch, data)
    figures[f"{key}_cpu_s"] = round(time.process_time() - cpu, 3)
    return batch, {k: out[k] for k in ("rows", "imported", "duplicates", "rejected")}


def main(db: str) -> dict:
    setup_django(db, "screening")
    from fangkong.core.models import Batch
    from fangkong.registry.generator import CountySpec, generate_county
    from fangkong.screening.imports import run_lead_import
    from fangkong.screening.models import Lead, Person, Verification
    from fangkong.screening.rollups import live_counts, rebuild_board_rollups, stored_counts

    figures: dict = {"rows": ROWS, "population": POPULATION, "existing_persons": PERSONS}
    rng = random.Random(2022)
    with timed(figures, "setup_county_s"):
        generate_county(CountySpec(population=POPULATION, seed=2022))
        _existing_persons(PERSONS, rng)
        rebuild_board_rollups()  # the closed tasks above were written around the actions
    tmp = Path(tempfile.mkdtemp(prefix="fangkong-bench-"))
    csv_path = tmp / "big_data.csv"
    with timed(figures, "write_csv_s"):
        figures["mix"] = _write_list(csv_path, ROWS, rng)
    batch, figures["import"] = _timed_import(figures, "import", csv_path, "big_data", "geofence")
    figures["import_rows_per_s"] = round(ROWS / figures["import_s"])
    figures["persons_after"] = Person.objects.count()
    figures["verifications_open"] = Verification.objects.exclude(status="closed").count()
    figures.update(_reports())
    figures["duckdb_s"] = round(_duckdb_baseline(csv_path), 3)
    figures["ratio_to_duckdb"] = round(figures["import_s"] / figures["duckdb_s"], 1)
    with timed(figures, "reimport_same_file_s"):
        again = run_lead_import(Batch.objects.create(kind="leads", channel="big_data", source="geofence",
                                                     file_name=csv_path.name, division=batch.division),
                                csv_path.read_bytes())
    figures["reimport_added"] = again["imported"]
    if XLSX_ROWS:
        xlsx_path = tmp / "close_contacts.xlsx"
        with timed(figures, "write_xlsx_s"):
            _write_xlsx(xlsx_path, XLSX_ROWS, rng)
        _, figures["xlsx"] = _timed_import(figures, "xlsx_import", xlsx_path, "close_contact", "")
        figures["xlsx_rows_per_s"] = round(XLSX_ROWS / figures["xlsx_import_s"])
    figures["leads_total"] = Lead.objects.count()
    figures["rollups_equal_live"] = stored_counts() == live_counts()
    with timed(figures, "rebuild_rollups_s"):
        rebuild_board_rollups()
    figures["target_import_s"], figures["target_xlsx_s"], figures["target_board_s"] = 60, 15, 0.3
    figures["target_sentence_s"] = 0.3
    return figures
