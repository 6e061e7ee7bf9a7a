"""The demo's co-presence (时空伴随): three days of venue scans and location records around two
index people, imported through `import_path` (as `fangkong import-scans` does) and one run by
the CDC — so the record batches, the run with its explained matches and the co_presence leads
are there to look at. Times are the last days, so the retention job keeps them for a while."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path

from django.utils import timezone

from fangkong.core.choices import Role
from fangkong.core.models import User

INDEX = ("13812340001", "13812340002")
VENUES = (("V130724001", "老街超市"), ("V130724002", "新华书店"), ("V130724003", "县人民医院门诊"),
          ("V130724004", "星际网咖"))
CELLS = ("G0801", "G0802", "G0803", "G0804", "G0805")


def _files(folder: Path, rng: random.Random) -> tuple[Path, Path]:
    today = timezone.localdate()
    start = dt.datetime.combine(today - dt.timedelta(days=3), dt.time(8))
    people = [*INDEX, *(f"139{rng.randrange(10**7, 10**8)}" for _ in range(60))]
    scans, locations = ["场所码编号,场所名称,姓名,证件号码,手机号,扫码时间"], ["手机号码,网格编号,进入时间,离开时间"]
    for phone in people:
        for _ in range(3):
            code, name = rng.choice(VENUES)
            at = start + dt.timedelta(minutes=rng.randrange(3 * 24 * 60))
            scans.append(f"{code},{name},,,{phone},{at:%Y-%m-%d %H:%M:%S}")
        for _ in range(3):
            at = start + dt.timedelta(minutes=rng.randrange(3 * 24 * 60))
            stay = dt.timedelta(minutes=rng.choice((5, 15, 40, 90, 180)))
            locations.append(f"{phone},{rng.choice(CELLS)},{at:%Y-%m-%d %H:%M:%S},{at + stay:%Y-%m-%d %H:%M:%S}")
    index_scans = [r.split(",") for r in scans[1:7]]  # the index people's own scans and stays …
    index_stays = [r.split(",") for r in locations[1:7]]
    for n in range(16):  # … and people who were there with them
        phone = f"137{rng.randrange(10**7, 10**8)}"
        code, name, _, _, _, at = rng.choice(index_scans)
        when = dt.datetime.fromisoformat(at) + dt.timedelta(minutes=rng.randrange(-25, 26))
        scans.append(f"{code},{name},,,{phone},{when:%Y-%m-%d %H:%M:%S}")
        if n % 2:
            _, cell, entered, _ = rng.choice(index_stays)
            when = dt.datetime.fromisoformat(entered) + dt.timedelta(minutes=rng.randrange(0, 4))
            locations.append(f"{phone},{cell},{when:%Y-%m-%d %H:%M:%S},{when + dt.timedelta(minutes=60):%Y-%m-%d %H:%M:%S}")
    scan_file, location_file = folder / "场所码扫码记录.csv", folder / "位置记录.csv"
    scan_file.write_text("\n".join(scans) + "\n", encoding="utf-8")
    location_file.write_text("\n".join(locations) + "\n", encoding="utf-8")
    return scan_file, location_file


def seed_copresence(commander: User, rng: random.Random) -> str:
    from fangkong.tracing.copresence import run_copresence
    from fangkong.tracing.copresence_import import LOCATIONS, SCANS, import_path

    cdc = User.objects.filter(roles__role=Role.CDC, is_active=True).order_by("id").first() or commander
    with tempfile.TemporaryDirectory() as folder:
        scan_file, location_file = _files(Path(folder), rng)
        scans = import_path(SCANS, scan_file, user=cdc)
        locations = import_path(LOCATIONS, location_file, user=cdc)
    today = timezone.localdate()
    run = run_copresence(acting_user=cdc, phones=list(INDEX), starts_on=today - dt.timedelta(days=3), ends_on=today)
    return (f"时空伴随记录 {scans.imported + locations.imported} 条, 研判 {run.people} 人伴随, "
            f"线索 {run.leads_created} 条")
