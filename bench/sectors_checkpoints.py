"""The checkpoint piece of `bench/run sectors`: 200,000 checkpoint registrations (the province's
checkpoint system's list, one row per person with their vehicle's columns) imported into the
300,000-resident county, on SQLite and PostgreSQL. Target: under 10 s (`import_s`).

`checkpoint_figures(n_rows)` runs in a Django already set up on a migrated database holding the
generated county (as `bench/run sectors` prepares it): it adds twelve checkpoints and a risk-area
list of 240 periods (control's `RiskArea`), writes the list (residents, people from elsewhere,
about 6 % of them from a risk area by origin or by a stopover within 14 days, 1 % repeated rows,
1 % bad ID numbers), and times the import as a batch (`import_s`, and this process's CPU time).
The same risk-area matching is then written as plain DuckDB SQL over the same CSV in the same run
(`duckdb_s`, `ratio_to_duckdb`); both must find the same arrivals from risk areas. A second import
of the same file must add nothing (`reimport_added`), and the checkpoint report and 001's sentence
are read from the rows (`report_s`, `sentence_s`). `main(db)` runs it alone at BENCH_CHECKPOINT_ROWS
(default 200,000) in a county of BENCH_POPULATION (default 300,000).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from bench.common import settle, setup_django, timed

HEADER = ["卡口编号", "登记时间", "姓名", "身份证号", "手机号", "出发地", "目的地", "健康码", "行程卡", "核酸结果",
          "车牌号", "车辆类型", "货物", "14天途经地", "是否过境"]
PROVINCES = [("河北省", "石家庄市", "130100"), ("山西省", "太原市", "140100"), ("辽宁省", "沈阳市", "210100"),
             ("江苏省", "南京市", "320100"), ("浙江省", "杭州市", "330100"), ("安徽省", "合肥市", "340100"),
             ("福建省", "福州市", "350100"), ("江西省", "南昌市", "360100"), ("山东省", "济南市", "370100"),
             ("河南省", "郑州市", "410100"), ("湖北省", "武汉市", "420100"), ("湖南省", "长沙市", "430100"),
             ("广东省", "广州市", "440100"), ("四川省", "成都市", "510100"), ("陕西省", "西安市", "610100")]
COUNTIES = ["城东区", "城西区", "新华区", "高新区", "长安区", "开发区", "临河县", "平安县"]
PLATE = {"河北省": "冀", "山西省": "晋", "辽宁省": "辽", "江苏省": "苏", "浙江省": "浙", "安徽省": "皖", "福建省": "闽",
         "江西省": "赣", "山东省": "鲁", "河南省": "豫", "湖北省": "鄂", "湖南省": "湘", "广东省": "粤", "四川省": "川",
         "陕西省": "陕"}
DAYS = 20


def _id(rng: random.Random, region: str) -> str:
    from fangkong.core.identity import check_digit

    first17 = f"{region}19{rng.randrange(55, 99)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}{rng.randrange(1000):03d}"
    return first17 + check_digit(first17)


def _setup(rng: random.Random, today: dt.date) -> list[str]:
    """Twelve checkpoints (eight on the county border, four gates) and 240 risk-area periods."""
    from fangkong.control.models import RiskArea
    from fangkong.core.choices import DivisionLevel
    from fangkong.core.models import Division
    from fangkong.sectors.choices import CheckpointKind
    from fangkong.sectors.models import Checkpoint

    grids = list(Division.objects.filter(level=DivisionLevel.GRID).order_by("path")[::25][:12])
    codes = []
    for n, grid in enumerate(grids):
        kind = CheckpointKind.COUNTY_BORDER if n < 8 else CheckpointKind.VILLAGE_GATE
        cp, _ = Checkpoint.objects.get_or_create(code=f"B{n:03d}", defaults={
            "name": f"基准卡口{n}", "kind": kind, "division": grid})
        codes.append(cp.code)
    areas = []
    for k in range(240):
        province, city, _ = PROVINCES[k % len(PROVINCES)]
        county = COUNTIES[(k // len(PROVINCES)) % len(COUNTIES)]
        start = today - dt.timedelta(days=rng.randrange(0, 40))
        lifted = start + dt.timedelta(days=rng.randrange(5, 30)) if rng.random() < 0.5 else None
        areas.append(RiskArea(level=rng.choice(("high", "medium", "low")), province=province, city=city,
                              county=county, township=f"{k}号街道" if k % 3 == 0 else "",
                              effective_from=start, lifted_on=lifted, source="基准"))
    for a in areas:
        a.rank = {"high": 3, "medium": 2, "low": 1}[a.level]
    RiskArea.objects.bulk_create(areas)
    return codes


def _place(rng: random.Random, risky: bool) -> str:
    province, city, _ = rng.choice(PROVINCES)
    county = rng.choice(COUNTIES) if risky else rng.choice(("老城区", "新城区", "北湖区"))
    township = f"{rng.randrange(240)}号街道" if risky and rng.random() < 0.3 else "某某镇"
    return f"{province}{city}{county}{township}"


def _write_list(path: Path, rows: int, codes: list[str], rng: random.Random, today: dt.date) -> dict:
    from fangkong.registry.models import Resident

    residents = list(Resident.objects.filter(id_number__isnull=False).values_list("name", "id_number")[:50_000])
    mix = {"resident": 0, "outsider": 0, "duplicate": 0, "bad": 0}
    written, last = 0, None
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        while written < rows:
            cp = rng.choice(codes)
            day = today - dt.timedelta(days=rng.randrange(DAYS))
            at = f"{day:%Y-%m-%d} {rng.randrange(24):02d}:{rng.randrange(60):02d}"
            origin = _place(rng, rng.random() < 0.1)
            stopovers = "、".join(_place(rng, rng.random() < 0.05) for _ in range(rng.choice((0, 0, 0, 1, 2))))
            truck = rng.random() < 0.25
            plate = f"{PLATE[origin[:3]]}{rng.choice('ABCDE')}{rng.randrange(10000, 99999)}"
            riders = 1 if truck else rng.choice((1, 2, 2, 3, 4))
            for _ in range(riders):
                if written >= rows:
                    break
                r = rng.random()
                if r < 0.01 and last:
                    row, kind = last, "duplicate"
                elif r < 0.02:
                    row, kind = [cp, at, "坏行", "4.10102E+17", "", origin, "", "绿码", "正常", "阴性", plate,
                                 "小型客车", "", stopovers, "否"], "bad"
                else:
                    if r < 0.4:
                        name, idn = rng.choice(residents)
                        kind = "resident"
                    else:
                        name, idn, kind = f"外来{written % 997}", _id(rng, PROVINCES[written % 15][2]), "outsider"
                    row = [cp, at, name, idn, f"13{rng.randrange(10**9):09d}", origin, "县城", "绿码", "正常", "阴性",
                           plate, "货车" if truck else "小型客车", "蔬菜" if truck else "", stopovers,
                           "是" if truck and rng.random() < 0.3 else "否"]
                w.writerow(row)
                mix[kind] += 1
                written += 1
                last = row
    return mix


DUCKDB_SQL = """
CREATE OR REPLACE TABLE regs AS SELECT DISTINCT * FROM read_csv('{csv}', header=true, all_varchar=true);
CREATE OR REPLACE TABLE r AS SELECT row_number() OVER () AS rid, "卡口编号" AS cp, "登记时间" AS reg_at,
    "身份证号" AS id_number, "出发地" AS origin,
    coalesce("14天途经地", '') AS stopovers, CAST(strptime("登记时间", '%Y-%m-%d %H:%M') AS DATE) AS day
  FROM regs WHERE length("身份证号") = 18;
CREATE OR REPLACE TABLE stops AS SELECT rid, day, unnest(string_split(stopovers, '、')) AS place FROM r
  WHERE stopovers <> '';
SELECT count(*) FROM (SELECT DISTINCT cp, id_number, reg_at FROM r WHERE rid IN (
  SELECT r.rid FROM r JOIN areas a ON position(a.p1 IN r.origin) > 0
    AND (a.p2 = '' OR position(a.p2 IN r.origin) > 0) AND (a.p3 = '' OR position(a.p3 IN r.origin) > 0)
    AND (a.p4 = '' OR position(a.p4 IN r.origin) > 0)
    AND a.start_on <= r.day AND (a.end_on IS NULL OR a.end_on > r.day)
  UNION
  SELECT s.rid FROM stops s JOIN areas a ON position(a.p1 IN s.place) > 0
    AND (a.p2 = '' OR position(a.p2 IN s.place) > 0) AND (a.p3 = '' OR position(a.p3 IN s.place) > 0)
    AND (a.p4 = '' OR position(a.p4 IN s.place) > 0)
    AND a.start_on <= s.day AND (a.end_on IS NULL OR a.end_on > s.day - 14)));
"""


def _duckdb(csv_path: Path) -> tuple[float, int]:
    """The same matching in plain DuckDB SQL: the rows with a valid ID, their origin on the day or a
    stopover in the 14 days before against the risk-area periods (name stems loaded untimed)."""
    import duckdb
    import pyarrow as pa

    from fangkong.control.models import RiskArea
    from fangkong.sectors.checkpoint_risk import stem

    rows = list(RiskArea.objects.values_list("province", "city", "county", "township", "effective_from", "lifted_on"))
    con = duckdb.connect()
    con.register("areas", pa.table({
        "p1": [stem(r[0]) for r in rows], "p2": [stem(r[1]) for r in rows], "p3": [stem(r[2]) for r in rows],
        "p4": [stem(r[3]) for r in rows], "start_on": [r[4] for r in rows], "end_on": [r[5] for r in rows]}))
    start = time.perf_counter()
    statements = [s for s in DUCKDB_SQL.format(csv=csv_path).split(";") if s.strip()]
    for s in statements[:-1]:
        con.execute(s)
    risky = con.execute(statements[-1]).fetchone()[0]
    return time.perf_counter() - start, risky


def checkpoint_figures(n_rows: int) -> dict:
    """Import `n_rows` checkpoint registrations into the county already built; figures as JSON."""
    from django.utils import timezone

    from fangkong.core.actions import SYSTEM
    from fangkong.core.imports import do_create_batch
    from fangkong.core.models import User
    from fangkong.metrics.checkpoints import border_figures
    from fangkong.metrics.checkpoints import checkpoint_figures as report
    from fangkong.screening.models import Lead
    from fangkong.sectors.imports_checkpoints import BATCH_KIND, run_checkpoint_batch
    from fangkong.sectors.models import PersonCheck, VehicleCheck

    rng, today = random.Random(2022), timezone.localdate()
    figures: dict = {"checkpoint_rows": n_rows}
    codes = _setup(rng, today)
    csv_path = Path(tempfile.mkdtemp(prefix="fangkong-bench-")) / "checkpoints.csv"
    with timed(figures, "write_csv_s"):
        figures["mix"] = _write_list(csv_path, n_rows, codes, rng, today)
    data = csv_path.read_bytes()
    leads_before = Lead.objects.count()

    def run() -> dict:
        batch = do_create_batch(kind=BATCH_KIND, file_name=csv_path.name, content=data, store=False, acting_user=SYSTEM)
        run_checkpoint_batch(batch, data)
        return {k: getattr(batch, k) for k in ("rows", "imported", "duplicates", "rejected")} | {"batch": batch.pk}

    settle()
    cpu = time.process_time()
    with timed(figures, "import_s"):
        out = run()
    figures["import_cpu_s"] = round(time.process_time() - cpu, 3)
    figures["import"] = out
    figures["import_rows_per_s"] = round(n_rows / max(figures["import_s"], 1e-6))
    figures["vehicles"] = VehicleCheck.objects.filter(batch_id=out["batch"]).count()
    app_risky = PersonCheck.objects.filter(batch_id=out["batch"], from_risk=True).count()
    figures["risk_arrivals"] = app_risky
    figures["leads_created"] = Lead.objects.count() - leads_before
    duck_s, duck_risky = _duckdb(csv_path)
    figures["duckdb_s"] = round(duck_s, 3)
    figures["ratio_to_duckdb"] = round(figures["import_s"] / max(duck_s, 1e-6), 1)
    assert duck_risky == app_risky, f"risk arrivals differ: app {app_risky}, DuckDB {duck_risky}"
    with timed(figures, "reimport_s"):
        again = run()
    figures["reimport_added"] = again["imported"]
    commander = User.objects.filter(username="commander").first()
    if commander is not None:
        with timed(figures, "report_s"):
            report(commander, today - dt.timedelta(days=DAYS), today)
        with timed(figures, "sentence_s"):
            sentence = border_figures(commander, today.replace(day=1), today)
        figures["sentence"] = {k: str(v) for k, v in asdict(sentence).items()}
    figures["target_import_s"] = 10
    return figures


def main(db: str) -> dict:
    setup_django(db, "sectors_checkpoints")
    from fangkong.registry.generator import CountySpec, generate_county

    population = int(os.environ.get("BENCH_POPULATION", "300000"))
    rows = int(os.environ.get("BENCH_CHECKPOINT_ROWS", "200000"))
    figures: dict = {"population": population}
    with timed(figures, "build_county_s"):
        generate_county(CountySpec(population=population, seed=2022))
    return figures | checkpoint_figures(rows)
