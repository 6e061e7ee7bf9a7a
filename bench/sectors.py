"""bench/run sectors — the sectors area at county scale (issue #13).

Sentinel sales: 100,000 real-name sales of the four classes of drugs at the county's 1,000
sentinels (pharmacies and clinics), imported into the 300,000-resident county as one file through
the sentinel import (`fangkong import sentinel-sales`: reading, cleaning, drug names mapped to the
catalogue's classes, persons resolved and merged, leads and tasks, records, daily counts, audit)
and timed (`sales_import_s`, target < 10 s), then compared with the same matching written as plain
DuckDB SQL over the same CSV in the same run (`sales_duckdb_s`, `ratio_sales_to_duckdb`). The
list mixes residents (matched by ID number), people from elsewhere, phone-only buyers, exact
duplicates, damaged rows and drugs outside the catalogue. Importing the same file again adds
nothing (`sales_reimport_added`).

Signals: 1,000 sentinels × 365 days of daily counts, and the signal computation over the whole
year (`signals_s`, target < 1 s: one DuckDB query over the roll-up, CIDARS P80 of the last four
weeks' same weekdays), with the count of signals found.

The checkpoint registrations (#13 item 3) come from `bench/sectors_checkpoints.py` when present.
Before each timed import, and before the signals, the database is settled (`bench.common.settle`:
statistics and a checkpoint), so that what the setup wrote is not flushed during the step.
BENCH_POPULATION, BENCH_SALES, BENCH_SENTINELS, BENCH_DAYS and BENCH_CHECKPOINT_ROWS lower the
sizes for a quick look.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import tempfile
import time
from pathlib import Path

from bench.common import settle, setup_django, timed

POPULATION = int(os.environ.get("BENCH_POPULATION", 300_000))
SALES = int(os.environ.get("BENCH_SALES", 100_000))
SENTINELS = int(os.environ.get("BENCH_SENTINELS", 1_000))
DAYS = int(os.environ.get("BENCH_DAYS", 365))
CHECKPOINT_ROWS = int(os.environ.get("BENCH_CHECKPOINT_ROWS", 200_000))
HEADER = ["药店名称", "药品名称", "数量", "购药人姓名", "身份证号码", "联系电话", "购药时间"]
WRITTEN = ("布洛芬缓释胶囊", "芬必得", "对乙酰氨基酚片", "连花清瘟胶囊", "奥司他韦", "川贝枇杷膏", "阿莫西林胶囊", "头孢克肟",
           "感康", "止咳糖浆", "阿奇霉素片", "板蓝根颗粒")


def _outsider_id(rng: random.Random) -> str:
    from fangkong.core.identity import check_digit

    first17 = f"{rng.choice(['110105', '310115', '120103', '440106'])}19{rng.randrange(50, 99)}" \
              f"{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}{rng.randrange(1000):03d}"
    return first17 + check_digit(first17)


def _sentinels(n: int, rng: random.Random) -> list[tuple[int, str]]:
    """`n` sentinels (four pharmacies to one clinic) across the grids: (id, credit code)."""
    from stdnum.cn import uscc

    from fangkong.core.models import Division
    from fangkong.sectors.models import Sector, Venue

    grids = list(Division.objects.filter(level="grid").values_list("pk", flat=True))
    pharmacy, medical = Sector.objects.get(code="pharmacy"), Sector.objects.get(code="medical")
    venues = []
    for i in range(n):
        first17 = f"92411000MA{i:06d}X"
        venues.append(Venue(name=f"哨点{i}号", credit_code=first17 + uscc.calc_check_digit(first17),
                            sector=medical if i % 5 == 4 else pharmacy, address=f"测试路{i}号", grid_id=rng.choice(grids)))
    Venue.objects.bulk_create(venues, batch_size=2000)
    return list(Venue.objects.filter(sector__in=[pharmacy, medical]).values_list("pk", "credit_code"))


def _write_sales(path: Path, rows: int, codes: list[str], rng: random.Random) -> dict:
    from fangkong.registry.models import Resident

    residents = list(Resident.objects.filter(id_number__isnull=False).values_list("name", "id_number", "phone"))
    mix = {"resident": 0, "outsider": 0, "phone_only": 0, "duplicate": 0, "bad": 0, "unknown_drug": 0}
    last = None
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(rows):
            r = rng.random()
            when = f"2022-07-{1 + i % 28:02d} {8 + i % 12:02d}:{i % 60:02d}"
            code, drug, qty = rng.choice(codes), rng.choice(WRITTEN), rng.choice((1, 1, 2))
            if r < 0.01 and last:
                row, kind = last, "duplicate"
            elif r < 0.02:
                row, kind = [code, drug, qty, f"坏行{i}", "4.10102E+17", "", when], "bad"
            elif r < 0.03:
                row, kind = [code, "维生素C泡腾片", 1, f"顾客{i % 991}", "", f"15{rng.randrange(10**9):09d}", when], \
                    "unknown_drug"
            elif r < 0.75:
                nm, idn, ph = rng.choice(residents)
                row, kind = [code, drug, qty, nm, idn, ph, when], "resident"
            elif r < 0.90:
                row, kind = [code, drug, qty, f"外来{i % 997}", _outsider_id(rng), f"13{rng.randrange(10**9):09d}",
                             when], "outsider"
            else:
                row, kind = [code, drug, qty, f"手机{i % 991}", "", f"15{rng.randrange(10**9):09d}", when], "phone_only"
            w.writerow(row)
            mix[kind] += 1
            last = row
    return mix


def _duckdb_baseline(csv_path: Path) -> float:
    """The same matching in plain DuckDB SQL: dedup rows, the sentinel by credit code, the drug's
    class by name or alias, persons and residents by ID number, else by phone and name; count new
    persons per grid. Loading the reference tables is not timed; reading the CSV is."""
    import duckdb
    import pyarrow as pa

    from fangkong.registry.models import Resident
    from fangkong.screening.models import Person
    from fangkong.sectors.models import Drug, Venue

    def table(rows: list, names: list[str]) -> pa.Table:
        return pa.table({k: [r[i] for r in rows] for i, k in enumerate(names)})

    drugs = [(w, d.drug_class) for d in Drug.objects.all() for w in (d.name, *d.alias_list())]
    con = duckdb.connect()
    con.register("residents", table(list(Resident.objects.values_list("id_number", "phone", "name", "grid_id")),
                                    ["id_number", "phone", "name", "grid_id"]))
    con.register("persons", table(list(Person.objects.values_list("id", "id_number", "phone", "name")),
                                  ["id", "id_number", "phone", "name"]))
    con.register("venues", table(list(Venue.objects.values_list("credit_code", "grid_id")), ["credit_code", "grid_id"]))
    con.register("drugs", table(drugs, ["written", "drug_class"]))
    start = time.perf_counter()
    con.execute(f"""
        CREATE TABLE sales AS SELECT DISTINCT * FROM read_csv('{csv_path}', header=true, all_varchar=true);
        CREATE TABLE matched AS
        SELECT s.*, v.grid_id AS venue_grid, d.drug_class, coalesce(p1.id, p2.id) AS person_id,
               coalesce(r1.grid_id, r2.grid_id, v.grid_id) AS grid_id,
               (length(s."身份证号码") = 18 OR s."联系电话" IS NOT NULL) AND d.drug_class IS NOT NULL
                 AND v.grid_id IS NOT NULL AS valid
        FROM sales s
        LEFT JOIN venues v ON v.credit_code = s."药店名称"
        LEFT JOIN (SELECT written, any_value(drug_class) AS drug_class FROM drugs GROUP BY written) d
               ON d.written = s."药品名称" OR s."药品名称" LIKE '%' || d.written || '%'
        LEFT JOIN persons p1 ON p1.id_number = s."身份证号码"
        LEFT JOIN persons p2 ON s."身份证号码" IS NULL AND p2.phone = s."联系电话" AND p2.name = s."购药人姓名"
        LEFT JOIN residents r1 ON r1.id_number = s."身份证号码"
        LEFT JOIN residents r2 ON s."身份证号码" IS NULL AND r2.phone = s."联系电话" AND r2.name = s."购药人姓名";
    """)
    con.execute("SELECT grid_id, count(DISTINCT coalesce(\"身份证号码\", \"联系电话\")) FROM matched "
                "WHERE valid AND person_id IS NULL GROUP BY grid_id").fetchall()
    return time.perf_counter() - start


def _timed_import(figures: dict, key: str, path: Path) -> dict:
    from fangkong.core.actions import SYSTEM
    from fangkong.core.imports import batch_result, do_create_batch
    from fangkong.sectors.sentinel.imports import BATCH_KIND, run_sentinel_batch

    data = path.read_bytes()
    batch = do_create_batch(kind=BATCH_KIND, file_name=path.name, content=data, store=False, acting_user=SYSTEM)
    settle()
    cpu = time.process_time()
    with timed(figures, f"{key}_s"):
        run_sentinel_batch(batch, data)
    figures[f"{key}_cpu_s"] = round(time.process_time() - cpu, 3)
    out = batch_result(batch)
    return {k: out[k] for k in ("status", "rows", "imported", "duplicates", "rejected")}


def _year_of_counts(venues: list[int], days: int, end: dt.date, rng: random.Random) -> int:
    """Daily counts of every sentinel for `days` days up to `end` (a weekly rhythm, noise, the odd
    surge), written straight into the roll-up the signals read."""
    from fangkong.core.bulk import insert_rows
    from fangkong.sectors.models import SentinelCount, Venue

    grids = dict(Venue.objects.filter(pk__in=venues).values_list("pk", "grid_id"))
    rows, n = [], 0
    for pk in venues:
        level = rng.randint(2, 12)
        for back in range(days):
            day = end - dt.timedelta(days=back)
            count = max(0, int(level * (1.3 if day.weekday() >= 5 else 1.0) + rng.gauss(0, 1.5)))
            if rng.random() < 0.003:
                count *= 4
            if count:
                rows.append((pk, day, "sentinel_sale", grids[pk], count))
        if len(rows) > 50_000:
            n += insert_rows(SentinelCount, ("venue_id", "day", "kind", "division_id", "n"), rows)
            rows = []
    return n + insert_rows(SentinelCount, ("venue_id", "day", "kind", "division_id", "n"), rows)


def _signals(figures: dict, venues: list[int], rng: random.Random) -> None:
    from django.db import transaction

    from fangkong.sectors.sentinel.signals import compute_signals

    end = dt.date(2022, 6, 30)
    with transaction.atomic():
        figures["signal_count_rows"] = _year_of_counts(venues, DAYS, end, rng)
    start = end - dt.timedelta(days=DAYS - 1)
    settle()  # the year of counts just written: their statistics
    compute_signals(end, end)  # warm: DuckDB's first query loads its extensions
    with timed(figures, "signals_s"):
        found = compute_signals(start, end)
    figures["signals_found"] = len(found)
    figures["signal_sentinel_days"] = len(venues) * DAYS
    with timed(figures, "signals_one_day_s"):
        compute_signals(end, end)


def main(db: str) -> dict:
    setup_django(db, "sectors")
    from fangkong.registry.generator import CountySpec, generate_county
    from fangkong.screening.models import Lead, Person
    from fangkong.sectors.models import SentinelRecord

    figures: dict = {"population": POPULATION, "sales": SALES, "sentinels": SENTINELS, "days": DAYS}
    rng = random.Random(2022)
    with timed(figures, "setup_county_s"):
        generate_county(CountySpec(population=POPULATION, seed=2022))
        venues = _sentinels(SENTINELS, rng)
    tmp = Path(tempfile.mkdtemp(prefix="fangkong-bench-"))
    csv_path = tmp / "sentinel_sales.csv"
    with timed(figures, "write_csv_s"):
        figures["mix"] = _write_sales(csv_path, SALES, [c for _pk, c in venues], rng)
    figures["sales_import"] = _timed_import(figures, "sales_import", csv_path)
    figures["sales_rows_per_s"] = round(SALES / figures["sales_import_s"])
    figures["records"] = SentinelRecord.objects.count()
    figures["sentinel_leads"] = Lead.objects.filter(channel="sentinel").count()
    figures["persons"] = Person.objects.count()
    figures["sales_duckdb_s"] = round(_duckdb_baseline(csv_path), 3)
    figures["ratio_sales_to_duckdb"] = round(figures["sales_import_s"] / figures["sales_duckdb_s"], 1)
    again = _timed_import(figures, "sales_reimport", csv_path)
    figures["sales_reimport_added"] = again["imported"]
    _signals(figures, [pk for pk, _c in venues], rng)
    from bench.sectors_checkpoints import checkpoint_figures

    figures.update({f"checkpoint_{k}": v for k, v in checkpoint_figures(CHECKPOINT_ROWS).items()})
    figures["targets"] = {"sales_import_s": 10, "signals_s": 1, "checkpoint_import_s": 10}
    return figures
