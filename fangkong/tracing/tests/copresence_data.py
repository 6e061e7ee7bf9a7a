"""Crafted venue scans and location records for the co-presence tests: every edge of the rule,
one person (phone) per edge, against the index person 13800000001."""

from __future__ import annotations

import datetime as dt
import json
import random

import pyarrow as pa
from django.core.management import call_command

INDEX = "13800000001"


def naive(*parts: int) -> dt.datetime:
    """A wall-clock time without zone, as the engine's input tables and spreadsheets hold them."""
    return dt.datetime(*parts, tzinfo=dt.UTC).replace(tzinfo=None)
SCAN_HEADER = "场所码编号,场所名称,姓名,证件号码,手机号,扫码时间\n"
LOCATION_HEADER = "手机号码,网格编号,进入时间,离开时间\n"

LOCATIONS = [
    # the index person's records
    (INDEX, "G001", "2022-07-01 08:00", "2022-07-01 09:00"),
    (INDEX, "G002", "2022-07-01 23:50", "2022-07-02 00:30"),   # across midnight
    (INDEX, "G003", "2022-07-01 12:00", "2022-07-01 13:00"),
    (INDEX, "G001", "2022-07-01 08:30", "2022-07-01 08:45"),   # the index person again: never their own match
    (INDEX, "G009", "2022-06-30 23:00", "2022-07-01 02:00"),   # starts before the window: does not count
    # others
    ("13900000001", "G001", "2022-07-01 08:50", "2022-07-01 10:00"),   # exactly 10 minutes: match
    ("13900000002", "G001", "2022-07-01 08:51", "2022-07-01 10:00"),   # 9 minutes: none
    ("13900000003", "G001", "2022-07-01 09:00", "2022-07-01 10:00"),   # touching: none
    ("13900000004", "G002", "2022-07-01 23:55", "2022-07-02 00:20"),   # across midnight: 25 minutes
    ("13900000005", "G001", "2022-07-02 08:00", "2022-07-02 09:00"),   # same cell, another day: none
    ("13900000006", "G003", "2022-07-01 12:00", "2022-07-01 12:06"),   # three short overlaps of 6 minutes:
    ("13900000006", "G003", "2022-07-01 12:20", "2022-07-01 12:26"),   # 18 in all, none of them 10: none
    ("13900000006", "G003", "2022-07-01 12:40", "2022-07-01 12:46"),
    ("+86 139-0000-0007", "G001", "2022-07-01 08:10", "2022-07-01 08:40"),   # normalised phone: 30 minutes
    ("13900000008", "G009", "2022-07-01 00:00", "2022-07-01 01:00"),   # only the index's record before the window
    ("13900000010", "G001", "2022-06-30 22:00", "2022-07-01 08:30"),   # starts before the window: none
    ("13900000011", "G002", "2022-07-02 00:00", "2022-07-02 00:20"),   # next day's record (window of 2 days)
    ("13900000012", "G001", "2022-07-01 07:00", "2022-07-01 08:20"),   # 20 minutes …
    ("13900000012", "G001", "2022-07-01 08:25", "2022-07-01 09:30"),   # … and 35 against the same index record
]
SCANS = [
    ("V001", "老街超市", "", "", INDEX, "2022-07-01 10:00:00"),
    ("V001", "老街超市", "", "", INDEX, "2022-07-01 10:10:00"),   # the index person twice
    ("V002", "新华书店", "", "", INDEX, "2022-07-01 15:00:00"),
    ("V001", "老街超市", "张三", "", "13700000001", "2022-07-01 10:30:00"),    # 30 after the second, 20 after the first
    ("V001", "老街超市", "李四", "", "13700000002", "2022-07-01 09:30:00"),    # exactly 30 before: match
    ("V001", "老街超市", "王五", "", "13700000003", "2022-07-01 09:29:00"),    # 31 before: none
    ("V001", "老街超市", "赵六", "", "13700000004", "2022-07-01 10:41:00"),    # 31 after the last: none
    ("V003", "老街超市", "钱七", "", "13700000005", "2022-07-01 10:00:00"),    # same name, another code: none
    ("V002", "新华书店", "孙八", "", "１３７ ０００００００６", "2022-07-01 15:00:00"),  # full-width, same minute
    ("V002", "新华书店", "周九", "", "13700000007", "2022-07-02 15:00:00"),    # another day: none
]


def write_files(tmp_path):
    scans = tmp_path / "场所码.csv"
    scans.write_text(SCAN_HEADER + "".join(",".join(r) + "\n" for r in SCANS), encoding="utf-8")
    locations = tmp_path / "位置.csv"
    locations.write_text(LOCATION_HEADER + "".join(",".join(r) + "\n" for r in LOCATIONS), encoding="utf-8")
    return scans, locations


def import_all(tmp_path, capsys) -> None:
    scans, locations = write_files(tmp_path)
    for command, path in (("import_scans", scans), ("import_locations", locations)):
        call_command(command, str(path), "--json")
        out = json.loads(capsys.readouterr().out)
        assert out["status"] == "done" and out["rejected"] == 0, out


def copresence(capsys, *args: str) -> list[dict]:
    call_command("copresence", *args, "--json")
    return json.loads(capsys.readouterr().out)["matches"]


def by_phone(matches: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for m in matches:
        out.setdefault(m["phone"], []).append(m)
    return out


def random_records(seed: int = 14, people: int = 300, days: int = 3) -> dict[str, pa.Table]:
    rng = random.Random(seed)
    start = naive(2022, 7, 1)
    phones = [f"139{n:08d}" for n in range(people)]
    loc = {"phone": [], "cell": [], "entered_at": [], "left_at": []}
    scans = {"phone": [], "venue_code": [], "venue_name": [], "name": [], "id_number": [], "scanned_at": []}
    for phone in phones:
        for _ in range(days * 3):
            t = start + dt.timedelta(minutes=rng.randrange(days * 24 * 60))
            loc["phone"].append(phone)
            loc["cell"].append(f"G{rng.randrange(12):03d}")
            loc["entered_at"].append(t)
            loc["left_at"].append(t + dt.timedelta(minutes=rng.choice([0, 5, 9, 10, 11, 30, 90, 400, 800])))
        for _ in range(days * 2):
            scans["phone"].append(phone)
            scans["venue_code"].append(f"V{rng.randrange(15):03d}")
            scans["venue_name"].append("超市")
            scans["name"].append("")
            scans["id_number"].append("")
            scans["scanned_at"].append(start + dt.timedelta(minutes=rng.randrange(days * 24 * 60)))
    return {"scans": pa.table(scans), "locations": pa.table(loc)}
