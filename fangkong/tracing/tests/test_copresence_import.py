"""`fangkong import-scans` / `fangkong import-locations`: csv, xlsx and parquet with Chinese
headers, the JSON shape of `import-leads`, bad rows rejected with the row the user sees and a
Chinese reason, re-import adds nothing; records deleted after the retention period."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from fangkong.cli import main as fangkong
from fangkong.core.choices import AuditAction
from fangkong.core.imports import batch_result
from fangkong.core.models import AuditLog, Batch
from fangkong.tracing.copresence_import import LOCATIONS as LOCATION_KIND
from fangkong.tracing.copresence_import import SCANS as SCAN_KIND
from fangkong.tracing.copresence_jobs import purge_expired_records

from .copresence_data import naive

pytestmark = pytest.mark.django_db

SCANS = ("场所码编号,场所名称,姓名,证件号码,手机号,扫码时间\n"
         "V001,老街超市,张三,130724199001011234,+86 138-0000-0001,2022-07-01 08:00:00\n"
         "V001,老街超市,李四,,１３９００００００02,2022/7/1 8:30\n"
         "V002,新华书店,王五,,13900000003,昨天下午\n"
         "V002,新华书店,赵六,,12345,2022-07-01 09:00\n"
         ",新华书店,钱七,,13900000004,2022-07-01 09:00\n"
         "V002,新华书店,孙八,,,\n"
         "V001,老街超市,张三,130724199001011234,13800000001,2022-07-01 08:00\n")  # row 2 again: a duplicate
LOCATIONS = ("手机号码,网格编号,进入时间,离开时间\n"
             "13800000001,G001,2022-07-01 08:00,2022-07-01 09:00\n"
             "13900000002,G001,2022-07-01 09:10,2022-07-01 09:00\n"
             "13900000003,,2022-07-01 09:10,2022-07-01 10:00\n"
             "13900000004,G002,2022-07-01 25:10,2022-07-01 10:00\n"
             "13900000005,G002,2022-07-01 10:00,2022-07-01 10:00\n")


def stored(kind) -> list[dict]:
    """The records in the store, in time order (times naive UTC)."""
    rows = kind.store.read(dt.datetime(1970, 1, 1), dt.datetime(2200, 1, 1)).to_pylist()  # noqa: DTZ001 — naive UTC
    return sorted(rows, key=lambda r: (r[kind.times[0]], r["phone"]))


def phones(kind) -> list[str]:
    return [r["phone"] for r in stored(kind)]


def _run(capsys, command: str, path) -> dict:
    call_command(command, str(path), "--json")
    return json.loads(capsys.readouterr().out)


def test_scans_from_csv_with_the_json_shape_of_import_leads(tmp_path, capsys):
    path = tmp_path / "场所码.csv"
    path.write_text(SCANS, encoding="utf-8")
    out = _run(capsys, "import_scans", path)
    assert set(out) == set(batch_result(Batch(kind="leads")))
    assert (out["kind"], out["status"], out["rows"], out["imported"], out["duplicates"], out["rejected"]) == (
        "scans", "done", 7, 2, 1, 4)
    assert {e["row"]: e["reasons"] for e in out["errors"]} == {
        4: ["扫码时间“昨天下午”无法识别，应为“2022-07-01 08:30:00”这样的时间"],
        5: ["手机号“12345”格式不正确，应为11位手机号或带区号的固定电话"],
        6: ["场所码编号为空"],
        7: ["手机号为空", "扫码时间为空"],
    }
    rows = {r["phone"]: r for r in stored(SCAN_KIND)}
    assert set(rows) == {"13800000001", "13900000002"}  # +86, dashes, spaces, full-width digits normalised
    first = rows["13800000001"]
    assert (first["venue_code"], first["venue_name"], first["name"], first["id_number"], first["batch_id"]) == (
        "V001", "老街超市", "张三", "130724199001011234", out["batch"])
    local = timezone.localtime(first["scanned_at"].replace(tzinfo=dt.UTC)).replace(tzinfo=None)
    assert local == naive(2022, 7, 1, 8, 0)  # written in local time, stored in UTC
    assert first["scanned_at"] == dt.datetime(2022, 7, 1, 0, 0)  # noqa: DTZ001 — naive UTC
    again = _run(capsys, "import_scans", path)
    assert (again["imported"], again["duplicates"], again["rejected"]) == (0, 3, 4)
    assert SCAN_KIND.store.count() == 2
    batch = Batch.objects.get(pk=out["batch"])
    assert AuditLog.objects.filter(action=AuditAction.IMPORT, object_id=str(batch.pk), verb="import_scans").count() == 1


def test_locations_reject_a_departure_before_arrival(tmp_path, capsys):
    path = tmp_path / "位置.csv"
    path.write_text(LOCATIONS, encoding="utf-8")
    out = _run(capsys, "import_locations", path)
    assert (out["kind"], out["rows"], out["imported"], out["rejected"]) == ("locations", 5, 2, 3)
    assert {e["row"]: e["reasons"] for e in out["errors"]} == {
        3: ["离开时间早于进入时间"],
        4: ["网格编号为空"],
        5: ["进入时间“2022-07-01 25:10”无法识别，应为“2022-07-01 08:30:00”这样的时间"],
    }
    (zero,) = [r for r in stored(LOCATION_KIND) if r["phone"] == "13900000005"]
    assert zero["entered_at"] == zero["left_at"]  # no time spent there: kept, overlaps nothing
    assert _run(capsys, "import_locations", path)["imported"] == 0


def test_the_fangkong_command_with_hyphens_and_its_exit_codes(tmp_path, capsys):
    path = tmp_path / "位置.csv"
    path.write_text(LOCATIONS, encoding="utf-8")
    assert fangkong(["fangkong", "import-locations", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["imported"] == 2
    with pytest.raises(SystemExit) as exit_:
        fangkong(["fangkong", "import-locations", str(tmp_path / "无此文件.csv"), "--json"])
    assert exit_.value.code == 1
    assert json.loads(capsys.readouterr().out) == {"status": "failed", "message": f"文件不存在:{tmp_path / '无此文件.csv'}"}


def test_a_file_without_a_required_column_fails_with_the_reason(tmp_path, capsys):
    path = tmp_path / "位置.csv"
    path.write_text("手机号码,进入时间,离开时间\n13800000001,2022-07-01 08:00,2022-07-01 09:00\n", encoding="utf-8")
    with pytest.raises(CommandError, match="网格编号"):
        call_command("import_locations", str(path), "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "failed" and "网格编号" in out["message"]


def test_scans_from_xlsx_with_a_title_row_and_excel_times(tmp_path, capsys):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["某县场所码扫码记录（2022年7月1日）"])
    sheet.append(["场所码编号", "场所名称", "姓名", "证件号码", "手机号码", "扫码时间"])
    sheet.append(["V001", "老街超市", "张三", "", 13800000001, naive(2022, 7, 1, 8, 0)])
    sheet.append(["V001", "老街超市", "李四", "", "13900000002", "2022-07-01 08:20"])
    sheet.append(["V001", "老街超市", "王五", "", "13900000003", "8点20"])
    path = tmp_path / "场所码.xlsx"
    book.save(path)
    out = _run(capsys, "import_scans", path)
    assert (out["rows"], out["imported"], out["rejected"]) == (3, 2, 1)
    assert out["errors"][0]["row"] == 5  # the row in the sheet, under the title and the header
    assert stored(SCAN_KIND)[0]["scanned_at"] == dt.datetime(2022, 7, 1, 0, 0)  # noqa: DTZ001 — naive UTC


def test_locations_from_parquet_with_typed_columns(tmp_path, capsys):
    table = pa.table({
        "手机号": pa.array([13800000001, 13900000002, 13900000003], pa.int64()),
        "网格编号": ["G001", "G001", "G002"],
        "进入时间": pa.array([naive(2022, 7, 1, 8), naive(2022, 7, 1, 8, 30), naive(2022, 7, 1, 9)],
                         pa.timestamp("s")),
        "离开时间": pa.array([naive(2022, 7, 1, 9), naive(2022, 7, 1, 8, 0), naive(2022, 7, 1, 10)],
                         pa.timestamp("s")),
    })
    path = tmp_path / "位置.parquet"
    pq.write_table(table, path)
    out = _run(capsys, "import_locations", path)
    assert (out["rows"], out["imported"], out["rejected"]) == (3, 2, 1)
    assert out["errors"] == [{"row": 3, "reasons": ["离开时间早于进入时间"]}]
    (record,) = [r for r in stored(LOCATION_KIND) if r["phone"] == "13800000001"]
    assert (record["cell"], record["entered_at"]) == ("G001", dt.datetime(2022, 7, 1, 0, 0))  # noqa: DTZ001
    assert _run(capsys, "import_locations", path)["duplicates"] == 2


def test_records_past_the_retention_period_are_deleted(tmp_path, capsys, settings):
    now = timezone.now()
    local = timezone.localtime(now)
    old, fresh = local - dt.timedelta(days=21, hours=1), local - dt.timedelta(days=20)
    path = tmp_path / "位置.csv"
    path.write_text("手机号码,网格编号,进入时间,离开时间\n" + "".join(
        f"1390000000{i},G001,{t:%Y-%m-%d %H:%M:%S},{t + dt.timedelta(hours=1):%Y-%m-%d %H:%M:%S}\n"
        for i, t in enumerate((old, fresh))), encoding="utf-8")
    _run(capsys, "import_locations", path)
    scans = tmp_path / "场所码.csv"
    scans.write_text(f"场所码编号,手机号,扫码时间\nV001,13900000001,{old:%Y-%m-%d %H:%M:%S}\n"
                     f"V001,13900000002,{fresh:%Y-%m-%d %H:%M:%S}\n", encoding="utf-8")
    _run(capsys, "import_scans", scans)
    assert purge_expired_records(now) == {"scans": 1, "locations": 1}
    assert phones(LOCATION_KIND) == ["13900000001"]
    assert phones(SCAN_KIND) == ["13900000002"]
    assert AuditLog.objects.filter(verb="purge_copresence_records").exists()
    settings.FANGKONG_COPRESENCE_RETENTION_DAYS = 7  # configurable
    assert purge_expired_records(now) == {"scans": 1, "locations": 1}


def test_the_values_of_bad_rows_are_forgotten_after_the_retention_period(tmp_path, capsys):
    path = tmp_path / "场所码.csv"
    path.write_text(SCANS, encoding="utf-8")
    out = _run(capsys, "import_scans", path)
    batch = Batch.objects.get(pk=out["batch"])
    assert any(e["values"] for e in batch.errors)  # the error sheet shows what was written, for a while
    purge_expired_records(timezone.now() + dt.timedelta(days=22))
    batch.refresh_from_db()
    assert [set(e) for e in batch.errors] == [{"row", "reasons"}] * 4
    assert batch_result(batch)["errors"] == out["errors"]


def test_the_retention_job_is_scheduled():
    from fangkong.core.schedule import SCHEDULE

    assert "fangkong.tracing.copresence_jobs.copresence_tick" in {p.task for p in SCHEDULE}


def test_chunks_of_two_rows_count_as_one_chunk_does(tmp_path, capsys, monkeypatch):
    """Chunks of two rows put the duplicate in another chunk than its first; the next chunks
    are read and cleaned while one is stored."""
    from fangkong.tracing import copresence_reading

    monkeypatch.setattr(copresence_reading, "CHUNK_ROWS", 2)
    path = tmp_path / "场所码.csv"
    path.write_text(SCANS + "V001,老街超市,张三,130724199001011234,13800000001,2022-07-01 08:00\n", encoding="utf-8")
    out = _run(capsys, "import_scans", path)
    assert (out["status"], out["rows"], out["imported"], out["duplicates"], out["rejected"]) == ("done", 8, 2, 2, 4)
    assert sorted(e["row"] for e in out["errors"]) == [4, 5, 6, 7]
    assert phones(SCAN_KIND) == ["13800000001", "13900000002"]
    again = _run(capsys, "import_scans", path)
    assert (again["imported"], again["duplicates"], again["rejected"]) == (0, 4, 4)
    locations = tmp_path / "位置.csv"
    locations.write_text(LOCATIONS, encoding="utf-8")
    assert _run(capsys, "import_locations", locations)["imported"] == 2
    assert stored(LOCATION_KIND)[0]["left_at"] == dt.datetime(2022, 7, 1, 1, 0)  # noqa: DTZ001 — naive UTC


def test_a_failure_while_storing_ends_the_batch_failed_and_stops_every_thread(tmp_path, monkeypatch):
    """The third chunk cannot be stored while the next ones are read and cleaned: the batch ends
    failed with the reason (the rows of the chunks before it stay), no reading or cleaning
    thread is left running, no temporary file is left in the store; importing the file again
    completes it."""
    import threading

    from fangkong.tracing import copresence_reading
    from fangkong.tracing.copresence_import import import_path
    from fangkong.tracing.copresence_store import Store

    monkeypatch.setattr(copresence_reading, "CHUNK_ROWS", 2)
    original, calls = Store.add, {"n": 0}

    def failing(self, rows, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("磁盘已满")
        return original(self, rows, **kwargs)

    monkeypatch.setattr(Store, "add", failing)
    path = tmp_path / "场所码.csv"
    path.write_text("场所码编号,手机号,扫码时间\n" + "".join(
        f"V{i:03d},139000000{i:02d},2022-07-{1 + i % 3:02d} 08:{i:02d}\n" for i in range(10)), encoding="utf-8")
    batch = import_path(SCAN_KIND, path)
    assert batch.status == "failed" and "磁盘已满" in batch.message
    assert SCAN_KIND.store.count() == 4
    assert not [t for t in threading.enumerate() if t.name == "fangkong-ahead"]
    monkeypatch.setattr(Store, "add", original)
    again = import_path(SCAN_KIND, path)
    assert (again.status, again.imported, again.duplicates, SCAN_KIND.store.count()) == ("done", 6, 4, 10)
    assert not [f for f in SCAN_KIND.store.folder.rglob("*") if f.name.startswith(".") and f.name != ".lock"]


def test_local_times_become_utc_the_same_with_the_steady_offset_as_with_the_zone():
    """Within the years China keeps UTC+8 the import subtracts eight hours instead of converting
    through the time-zone database; outside them (the summer times of 1986–1991) it converts."""
    import duckdb

    from fangkong.tracing.copresence_import import _utc, steady_offset

    offset, since, until = steady_offset("Asia/Shanghai")
    assert offset == 8 * 3600 and dt.date(1991, 9, 15) < since <= dt.date(1992, 1, 1) and until.year == 2100
    assert steady_offset("Europe/Berlin") is None  # summer time: every time goes through the zone
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    times = ["1988-07-01 12:00:00", "1991-09-14 23:30:00", "1991-09-16 12:00:00", "2022-07-01 00:00:00",
             "2022-07-01 08:30:00.7", "2099-12-31 23:59:59", "2150-06-01 00:00:00"]
    rows = con.sql(f"SELECT {_utc('x')}, date_trunc('second', timezone('UTC', timezone('Asia/Shanghai', x))) "
                   f"FROM (SELECT unnest({[f'{t}' for t in times]})::TIMESTAMP AS x)").fetchall()
    assert [fast for fast, _exact in rows] == [exact for _fast, exact in rows]
    assert rows[0][0] == dt.datetime(1988, 7, 1, 3, 0, tzinfo=dt.UTC).replace(tzinfo=None)  # UTC+9 that summer
    assert rows[4][0] == dt.datetime(2022, 7, 1, 0, 30, tzinfo=dt.UTC).replace(tzinfo=None)
