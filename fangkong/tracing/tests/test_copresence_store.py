"""The co-presence record store: files by day, each record once, the window's days read,
expired records deleted to the second, small files merged, and nothing half-written seen."""

from __future__ import annotations

import datetime as dt
import stat
import threading

import pyarrow as pa
import pytest

from fangkong.tracing.copresence_import import LOCATIONS
from fangkong.tracing.copresence_store import once

STORE = LOCATIONS.store
T0 = dt.datetime(2022, 7, 1, 23, 50)  # noqa: DTZ001 — the store's times are naive UTC


def rows(*records: tuple[str, dt.datetime, int], batch: int = 1) -> pa.Table:
    """Location records (phone, entry, key): an hour in cell G1 each."""
    return pa.table({
        "batch_id": [batch] * len(records), "division_id": [1] * len(records),
        "phone": [p for p, _, _ in records], "cell": ["G1"] * len(records),
        "entered_at": pa.array([t for _, t, _ in records], pa.timestamp("us")),
        "left_at": pa.array([t + dt.timedelta(hours=1) for _, t, _ in records], pa.timestamp("us")),
        "key": pa.array([k for _, _, k in records], pa.int64()),
    }, schema=STORE.schema)


def everything() -> list[tuple[str, dt.datetime]]:
    table = STORE.read(dt.datetime(2000, 1, 1), dt.datetime(2100, 1, 1))  # noqa: DTZ001
    return sorted(zip(table.column("phone").to_pylist(), table.column("entered_at").to_pylist(), strict=True))


def test_records_are_kept_once_by_day_across_files_and_within_one():
    minute = dt.timedelta(minutes=1)
    first = rows(("13900000001", T0, 1), ("13900000002", T0 + 20 * minute, 2), ("13900000001", T0, 1))
    assert STORE.add(first) == 2  # the repeat within the chunk
    assert [d.isoformat() for d, _ in STORE.days()] == ["2022-07-01", "2022-07-02"]  # UTC days
    again = rows(("13900000002", T0 + 20 * minute, 2), ("13900000003", T0, 3), ("13900000001", T0 + minute, 1))
    assert STORE.add(again) == 2  # same key, another second: another record
    assert STORE.add(again) == 0
    assert STORE.count() == 4
    assert everything() == [("13900000001", T0), ("13900000001", T0 + minute), ("13900000002", T0 + 20 * minute),
                            ("13900000003", T0)]


def test_a_window_reads_only_its_days_and_its_times():
    STORE.add(rows(*((f"1390000000{i}", T0 + dt.timedelta(hours=6 * i), i) for i in range(6))))
    start, end = T0 + dt.timedelta(hours=6), T0 + dt.timedelta(hours=18)
    assert [f.parent.name for f in STORE.files(start, end)] == ["day=2022-07-02"]  # not 07-01, 07-03
    window = STORE.read(start, end, ["phone"])
    assert window.column("phone").to_pylist() == ["13900000001", "13900000002"]  # end excluded
    assert window.schema == pa.schema([("phone", pa.string())])
    assert STORE.read(T0 - dt.timedelta(days=30), T0 - dt.timedelta(days=29)).num_rows == 0


def test_purging_deletes_whole_days_and_the_first_day_kept_to_the_second():
    hour = dt.timedelta(hours=1)
    STORE.add(rows(("13900000001", T0 - 24 * hour, 1), ("13900000002", T0, 2), ("13900000003", T0 + 5 * hour, 3),
                   ("13900000004", T0 + 9 * hour, 4)))
    cutoff = T0 + 5 * hour  # 2022-07-02 04:50: the third record is kept, to the second
    assert STORE.purge(cutoff) == 2
    assert [p for p, _ in everything()] == ["13900000003", "13900000004"]
    assert [d.isoformat() for d, _ in STORE.days()] == ["2022-07-02"]
    assert STORE.purge(cutoff) == 0


def test_many_small_files_of_a_day_are_merged():
    for i in range(10):
        STORE.add(rows((f"139000000{i:02d}", T0 + dt.timedelta(minutes=i + 20), i)))
    (_, folder), = STORE.days()
    assert len(list(folder.glob("*.parquet"))) == 10
    assert STORE.compact(most=8) == 1
    assert len(list(folder.glob("*.parquet"))) == 1 and STORE.count() == 10
    assert STORE.compact(most=8) == 0


def test_files_are_the_platform_users_alone_and_no_temporary_file_stays():
    STORE.add(rows(("13900000001", T0, 1)))
    files = [f for f in STORE.folder.rglob("*") if f.is_file() and f.name != ".lock"]
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert all(stat.S_IMODE(d.stat().st_mode) == 0o700 for d in STORE.folder.rglob("day=*"))
    assert not [f for f in files if f.name.startswith(".")]


def test_a_reader_waits_for_a_writer_of_the_same_kind():
    """Writers hold the store's lock exclusively, readers shared: the join never sees a day while
    a compaction or purge swaps its files."""
    seen: list[int] = []
    with STORE.locked():
        reader = threading.Thread(target=lambda: seen.append(STORE.count()))
        reader.start()
        reader.join(0.3)
        assert reader.is_alive() and not seen  # waiting
        STORE.folder.joinpath("day=2022-07-01").mkdir(mode=0o700)  # what a writer would do
    reader.join(5)
    assert seen == [0]


@pytest.mark.parametrize("repeat", [False, True])
def test_once_keeps_the_first_of_each_record(repeat):
    t = [T0, T0, T0 + dt.timedelta(seconds=1)]
    table = pa.table({"entered_at": pa.array(t, pa.timestamp("us")), "key": [5, 5 if repeat else 6, 5],
                      "n": [0, 1, 2]})
    assert once(table, "entered_at").column("n").to_pylist() == ([0, 2] if repeat else [0, 1, 2])
