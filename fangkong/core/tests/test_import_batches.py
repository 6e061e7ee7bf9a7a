"""The shared import framework's batches: running an import in chunks, storing the file, the
worker, and the error sheet (reading and cleaning are in test_imports)."""

from __future__ import annotations

import hashlib
import io

import openpyxl

from fangkong.core.choices import AuditAction, AuditSource, BatchStatus
from fangkong.core.imports import (
    ChunkResult,
    create_batch,
    error_sheet,
    read_table,
    run_batch_task,
    run_import,
    start_batch,
)
from fangkong.core.models import AuditLog, Batch

from .test_imports import COLUMNS, GOOD_ID, GOOD_ID_2, csv_bytes, read_all

# ---------------------------------------------------------------- running a batch


def _counting_handler(seen: list[int]):
    def handler(rows):
        result = ChunkResult()
        for row in rows:
            if row.values["household"] == "DUP":
                result.duplicates += 1
            elif row.values["household"] == "BAD":
                result.reject(row, "户编号不存在")
            else:
                seen.append(row.number)
                result.imported += 1
        return result

    return handler


def _batch(users, **kwargs) -> Batch:
    user = users["commander"]
    return Batch.objects.create(kind="test", division=user.division, created_by=user, **kwargs)


def test_it_runs_an_import_and_records_counts_errors_and_progress(users):
    content = csv_bytes([
        ["名单"],
        ["姓名", "身份证号", "户编号"],
        *[["张三", GOOD_ID, f"H{i}"] for i in range(5)],
        ["李四", "4.10102E+17", "H9"],
        ["王五", GOOD_ID_2, "DUP"],
        ["赵六", GOOD_ID, "BAD"],
    ])
    batch = _batch(users)
    seen: list[int] = []
    run_import(batch, read_table(content, "x.csv", COLUMNS), _counting_handler(seen), columns=COLUMNS, chunk_size=2)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert (batch.rows, batch.processed, batch.imported, batch.duplicates, batch.rejected) == (8, 8, 5, 1, 2)
    assert batch.progress == 100
    assert seen == [3, 4, 5, 6, 7]
    assert [e["row"] for e in batch.errors] == [8, 10]
    assert "科学计数法" in batch.errors[0]["reasons"][0]
    assert batch.errors[1] == {"row": 10, "reasons": ["户编号不存在"],
                               "values": {"name": "赵六", "id_number": GOOD_ID, "household": "BAD"}}
    assert batch.finished_at is not None
    assert batch.outcome()["rejected"] == 2


def test_it_keeps_earlier_chunks_when_a_chunk_fails(users):
    from fangkong.core import audit

    rows = [(n, {"name": f"人{n}", "id_number": GOOD_ID, "household": "H"}) for n in range(2, 8)]
    calls = []

    def handler(chunk):
        calls.append(len(chunk))
        for row in chunk:
            audit.record(AuditAction.IMPORT, None, object_type_="test.row", object_id=str(row.number))
        if len(calls) == 2:
            raise RuntimeError("数据库连接中断")
        return ChunkResult(imported=len(chunk))

    batch = run_import(_batch(users), rows, handler, columns=COLUMNS, chunk_size=3)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    assert "第5至7行" in batch.message and "数据库连接中断" in batch.message
    assert batch.imported == 3 and batch.processed == 3
    written = AuditLog.objects.filter(object_type="test.row")
    assert sorted(int(r.object_id) for r in written) == [2, 3, 4]  # the failed chunk rolled back
    assert {(r.source, r.actor_id) for r in written} == {(AuditSource.IMPORT, users["commander"].pk)}


def test_it_stores_a_batch_file_with_its_digest(users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    content = csv_bytes([["姓名", "身份证号"], ["张三", GOOD_ID]])
    batch = create_batch(kind="test", file_name="/some/where/名单.csv", content=content,
                         division=users["commander"].division, created_by=users["commander"])
    assert batch.file_sha256 == hashlib.sha256(content).hexdigest()
    assert batch.file_name == "名单.csv"
    assert batch.status == BatchStatus.PENDING
    with batch.file.open("rb") as fh:
        assert fh.read() == content


def sample_runner(batch: Batch) -> Batch:
    """A runner as imports write them: read the stored file, run the rows (used by start_batch tests)."""
    with batch.file.open("rb") as fh:
        table = read_table(fh.read(), batch.file_name, COLUMNS)
    return run_import(batch, table, _counting_handler([]), columns=COLUMNS)


RUNNER = "fangkong.core.tests.test_import_batches.sample_runner"


def test_it_runs_small_files_at_once(users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    content = csv_bytes([["姓名", "身份证号", "户编号"], ["张三", GOOD_ID, "H1"]])
    batch = create_batch(kind="test", file_name="a.csv", content=content, division=users["commander"].division,
                         created_by=users["commander"])
    batch = start_batch(batch, RUNNER)
    assert (batch.status, batch.imported) == (BatchStatus.DONE, 1)


def test_it_sends_large_files_to_the_worker(users, settings, tmp_path, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    settings.MEDIA_ROOT = tmp_path
    content = csv_bytes([["姓名", "身份证号", "户编号"], ["张三", GOOD_ID, "H1"], ["李四", GOOD_ID_2, "H2"]])
    batch = create_batch(kind="test", file_name="a.csv", content=content, division=users["commander"].division,
                         created_by=users["commander"])
    with django_capture_on_commit_callbacks(execute=True):
        start_batch(batch, RUNNER, background=True)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PENDING  # nothing imported in the request
    queued = DBTaskResult.objects.get(args_kwargs__args=[batch.pk, RUNNER])
    assert queued.task_path.endswith("run_batch_task")
    # What the worker does with it:
    run_batch_task.call(batch.pk, RUNNER)
    batch.refresh_from_db()
    assert (batch.status, batch.imported) == (BatchStatus.DONE, 2)
    run_batch_task.call(batch.pk, RUNNER)  # a retried task does not import twice
    batch.refresh_from_db()
    assert batch.imported == 2


def test_it_runs_background_batches_with_any_tasks_backend(users, settings, tmp_path,
                                                          django_capture_on_commit_callbacks):
    # Through the settings fixture, not @override_settings: a fixture change made inside the
    # decorator restored the decorated TASKS after the test, for every later test.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path
    content = csv_bytes([["姓名", "身份证号", "户编号"], ["张三", GOOD_ID, "BAD"]])
    batch = create_batch(kind="test", file_name="a.csv", content=content, division=users["commander"].division,
                         created_by=users["commander"])
    with django_capture_on_commit_callbacks(execute=True):
        start_batch(batch, RUNNER, background=True)
    batch.refresh_from_db()
    assert (batch.status, batch.rejected) == (BatchStatus.DONE, 1)


# ---------------------------------------------------------------- the error sheet


def test_it_writes_the_error_sheet():
    errors = [
        {"row": 8, "reasons": ["身份证号校验码错误,请核对是否录入有误"],
         "values": {"name": "李四", "id_number": "410102199001011235", "phone": 13912345678.0}},
        {"row": 10, "reasons": ["姓名为空", "户编号不存在"], "values": {"id_number": GOOD_ID, "household": "BAD"}},
    ]
    book = openpyxl.load_workbook(io.BytesIO(error_sheet(errors, COLUMNS)))
    sheet = book.active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["原行号", "姓名", "身份证号", "联系电话", "户编号", "登记日期", "错误原因"]
    assert rows[1] == [8, "李四", "410102199001011235", "13912345678", None, None, "身份证号校验码错误,请核对是否录入有误"]
    assert rows[2] == [10, None, GOOD_ID, None, "BAD", None, "姓名为空;户编号不存在"]
    assert sheet["C2"].data_type == "s"  # the ID number stays text


def test_it_reads_its_own_error_sheet_back():
    """Users fix the error sheet and import it again: it must read like any other file."""
    errors = [{"row": 8, "reasons": ["x"], "values": {"name": "李四", "id_number": GOOD_ID_2}}]
    table, rows = read_all(error_sheet(errors, COLUMNS), "错误行.xlsx")
    assert rows == [(2, {"name": "李四", "id_number": GOOD_ID_2, "phone": None, "household": None, "day": None})]
    assert "原行号" in table.unmapped_headers


def test_it_masks_personal_numbers_and_keeps_empty_cells_empty():
    from fangkong.core.imports import bad_row

    errors = [bad_row(3, ["身份证号校验码错误"], {"name": "张三", "id_number": GOOD_ID, "phone": "13512345678",
                                             "household": None})]
    assert errors[0]["values"]["household"] == ""  # never "None"
    book = openpyxl.load_workbook(io.BytesIO(error_sheet(errors, COLUMNS, masked=True)))
    row = list(book.active.values)[1]
    assert row[:4] == (3, "张三", GOOD_ID[:4] + "*" * 10 + GOOD_ID[-4:], "135****5678") and row[4] is None


def test_it_writes_set_based_audit_entries_through_record_many(users):
    from fangkong.core import audit

    with audit.audit_context(actor=users["commander"], source=AuditSource.IMPORT):
        n = audit.record_many(AuditAction.CREATE, verb="import_leads", entries=[
            audit.Entry("screening.person", str(i), f"人{i}", {"batch": 1}, "13") for i in range(3)])
    rows = AuditLog.objects.filter(verb="import_leads").order_by("object_id")
    assert n == 3 and [r.object_id for r in rows] == ["0", "1", "2"]
    assert (rows[0].actor, rows[0].source, rows[0].changes, rows[0].division_path) == (
        users["commander"], AuditSource.IMPORT, {"batch": 1}, "13")
    assert audit.record_many(AuditAction.CREATE, entries=[]) == 0
