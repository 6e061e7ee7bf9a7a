"""Lab results in bulk (csv / xlsx / API): set-based, idempotent, nothing lost.

Rows land in a temporary staging table; one UPDATE … FROM applies every changed result, one
INSERT … SELECT keeps results for unknown tubes (未匹配结果), and `after_results` flags pools.
Re-importing the same rows changes nothing: only results that differ are written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.actions import SYSTEM
from fangkong.core.bulk import datetime_adapter, insert_rows
from fangkong.core.choices import AuditAction, BatchStatus
from fangkong.core.imports import bad_row, do_create_batch, execute_batch, mark_running, reasons_of
from fangkong.core.models import Batch, Division, User

from .choices import Result, SampleStatus
from .results import after_results

RESULT_KIND = "lab_result"

RESULT_ALIASES = {
    "阴性": Result.NEGATIVE, "negative": Result.NEGATIVE, "neg": Result.NEGATIVE, "-": Result.NEGATIVE,
    "阴": Result.NEGATIVE, "未检出": Result.NEGATIVE,
    "阳性": Result.POSITIVE, "positive": Result.POSITIVE, "pos": Result.POSITIVE, "+": Result.POSITIVE,
    "阳": Result.POSITIVE, "检出": Result.POSITIVE,
    "无效": Result.INVALID, "invalid": Result.INVALID, "不合格": Result.INVALID, "复检": Result.INVALID,
}


@dataclass
class ResultRow:
    row: int  # as the user sees it in the spreadsheet
    barcode: str
    result: str
    ct_orf1ab: float | None
    ct_n: float | None
    resulted_at: dt.datetime
    lab: str = ""


def clean_result(value: object) -> str:
    text = str(value or "").strip().lower()
    if text in RESULT_ALIASES:
        return RESULT_ALIASES[text]
    raise ValueError(f"无法识别的检测结果“{value}”(应为 阴性 / 阳性 / 无效)")


def clean_ct(value: object) -> float | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    if text in ("-", "/", "NoCt", "noct", "N/A", "未检出"):
        return None
    try:
        ct = float(text)
    except ValueError:
        raise ValueError(f"Ct值“{value}”不是数字") from None
    if not 0 < ct < 50:
        raise ValueError(f"Ct值 {ct} 超出范围(0–50)")
    return ct


def _stage(rows: list[ResultRow]) -> None:
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS testing_stage")
        cur.execute(
            "CREATE TEMP TABLE testing_stage (barcode varchar(40) PRIMARY KEY, result varchar(12), "
            "ct_orf1ab double precision, ct_n double precision, resulted_at %s, lab varchar(100))"
            % ("timestamp with time zone" if connection.vendor == "postgresql" else "datetime")
        )
    adapt = datetime_adapter()
    insert_rows("testing_stage", ("barcode", "result", "ct_orf1ab", "ct_n", "resulted_at", "lab"),
                [(r.barcode, r.result, r.ct_orf1ab, r.ct_n, adapt(r.resulted_at), r.lab) for r in rows])


def ingest_results(rows: Iterable[ResultRow], batch: Batch | None, *, now: dt.datetime | None = None) -> dict:
    """Apply lab results; returns counts. Unknown tubes are kept (with a batch) and reported."""
    now = now or timezone.now()
    by_barcode: dict[str, ResultRow] = {}
    duplicates = 0
    for r in rows:
        duplicates += r.barcode in by_barcode
        by_barcode[r.barcode] = r  # the last line for a barcode wins
    staged = list(by_barcode.values())
    with transaction.atomic():
        _stage(staged)
        with connection.cursor() as cur:
            cur.execute(
                "SELECT t.id, t.kind, s.result, t.result, d.path, t.barcode FROM testing_sample t "
                "JOIN testing_stage s ON s.barcode = t.barcode JOIN core_division d ON d.id = t.division_id "
                "WHERE t.result <> s.result"
            )
            changed = cur.fetchall()
            cur.execute(
                "UPDATE testing_sample SET result = s.result, ct_orf1ab = s.ct_orf1ab, ct_n = s.ct_n, "
                "resulted_at = s.resulted_at, lab = s.lab, status = %s, result_batch_id = %s "
                "FROM testing_stage s WHERE testing_sample.barcode = s.barcode AND testing_sample.result <> s.result",
                [SampleStatus.RESULTED, batch.pk if batch else None],
            )
            cur.execute("SELECT count(*) FROM testing_stage s JOIN testing_sample t ON t.barcode = s.barcode")
            matched = cur.fetchone()[0]
            unknown = 0
            if batch is not None:
                cur.execute(
                    "INSERT INTO testing_unmatchedresult (barcode, result, ct_orf1ab, ct_n, resulted_at, lab, batch_id, "
                    "division_id) SELECT s.barcode, s.result, s.ct_orf1ab, s.ct_n, s.resulted_at, s.lab, %s, %s "
                    "FROM testing_stage s WHERE NOT EXISTS (SELECT 1 FROM testing_sample t WHERE t.barcode = s.barcode) "
                    "AND NOT EXISTS (SELECT 1 FROM testing_unmatchedresult u WHERE u.barcode = s.barcode "
                    "AND u.result = s.result)",
                    [batch.pk, batch.division_id],
                )
                unknown = len(staged) - matched
            cur.execute("DROP TABLE testing_stage")
        _audit_results(changed, now)
        follow = after_results([(sid, kind, new) for sid, kind, new, _old, _p, _b in changed], now,
                               acting_user=audit.current().actor or SYSTEM)
    return {"rows": len(staged) + duplicates, "changed": len(changed), "unchanged": matched - len(changed),
            "unknown": unknown, "duplicates": duplicates, **follow}


def _audit_results(changed: list[tuple], now: dt.datetime) -> None:
    """One audit row per tube whose result changed, through the one bulk writer."""
    audit.record_many(AuditAction.UPDATE, verb="record_result", entries=[
        audit.Entry("testing.sample", str(sid), barcode, {"result": [old, new]}, path)
        for sid, _kind, new, old, path, barcode in changed])


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def new_batch(user: User | None, *, file_name: str = "", digest: str = "", source: str = "") -> Batch:
    """The pending batch of a results upload (file or API), created by `user` (None: the system)."""
    from .models.common import RESULT_WRITERS

    return do_create_batch(kind=RESULT_KIND, source=source, file_name=file_name, file_sha256=digest,
                           roles=tuple(RESULT_WRITERS), acting_user=user or SYSTEM)


def unknown_barcode_row(r: ResultRow) -> dict:
    """An unknown tube as a bad row, naming its barcode: its result is kept as 未匹配结果."""
    return bad_row(r.row, [f"条码“{r.barcode}”不存在,结果已保存为未匹配结果,请核对条码"], {
        "barcode": r.barcode, "result": Result(r.result).label, "ct_orf1ab": r.ct_orf1ab, "ct_n": r.ct_n,
        "resulted_at": r.resulted_at, "lab": r.lab})


def import_results(rows: list[ResultRow], errors: list[dict], batch: Batch) -> Batch:
    """Apply parsed rows to a pending batch through the one lifecycle; its counts and bad rows
    (the file's, then each unknown barcode by name) are kept on the batch."""
    execute_batch(batch, runner=lambda b, _data: _apply_results(b, rows, errors))
    batch.refresh_from_db()
    return batch


do_import_results = import_results  # the name the API and the demo seeder call


def _unknown(rows: list[ResultRow]) -> list[ResultRow]:
    """The rows whose tube the platform does not know (the last row of a barcode, as applied)."""
    from .models import Sample

    last = {r.barcode: r for r in rows}
    barcodes = list(last)
    known: set[str] = set()
    for i in range(0, len(barcodes), 5000):
        known.update(Sample.objects.filter(barcode__in=barcodes[i:i + 5000]).values_list("barcode", flat=True))
    return [r for b, r in last.items() if b not in known]


def _apply_results(batch: Batch, rows: list[ResultRow], errors: list[dict]) -> None:
    mark_running(batch, rows=len(rows) + len(errors))
    unknown_rows = _unknown(rows)
    with audit.audit_context(source=audit.current().source):
        counts = ingest_results(rows, batch)
    batch.rows = len(rows) + len(errors)
    batch.processed = batch.rows
    batch.updated = counts["changed"]
    batch.duplicates = counts["duplicates"] + counts["unchanged"]
    batch.rejected = len(errors)
    batch.imported = counts["changed"]
    bad = sorted([bad_row(e.get("row"), reasons_of(e), e.get("values")) for e in errors],
                 key=lambda e: e["row"] or 0)
    batch.errors = bad + [unknown_barcode_row(r) for r in unknown_rows]
    batch.options = counts
    from .jobs import request_coverage_refresh
    from .models import Sample

    request_coverage_refresh(Sample.objects.filter(result_batch=batch).values_list("round_id", flat=True).distinct())
    batch.status = BatchStatus.DONE
    batch.finished_at = timezone.now()
    batch.save()
    audit.record(AuditAction.IMPORT, batch, verb="import_results", changes=counts)


@dataclass
class TubeRow:
    """One sealed tube of a sampling list (offline sites upload these after the day)."""

    barcode: str
    id_numbers: list[str]
    sampled_at: dt.datetime
    site_id: int | None = None


def import_samplings(tubes: list[TubeRow], *, round_id: int | None, division_id: int, capacity: int = 10,
                     test_kind: str = "pcr_test", chunk: int = 50000) -> dict:
    """Bulk path of `do_open_tube` + `do_bind_sample` + `do_seal_tube` for whole sampling lists.

    Set-based: tubes, samplings and one audit row per tube are landed per chunk in single
    statements (COPY on PostgreSQL); residents are resolved by ID number in bulk. Tubes whose
    barcode already exists are skipped, so re-importing a list changes nothing.
    """
    import pyarrow as pa

    from fangkong.analytics.engine import land
    from fangkong.registry.models import Resident

    from .choices import SampleKind
    from .models import Sample, SamplingSite

    ctx = audit.current()
    actor = ctx.actor if ctx.actor is not None and ctx.actor.is_authenticated else None
    done = {"tubes": 0, "samplings": 0, "skipped": 0}
    site_div = dict(SamplingSite.objects.values_list("pk", "division_id")) if any(t.site_id for t in tubes) else {}
    div_path = dict(Division.objects.values_list("pk", "path"))
    kind = SampleKind.SINGLE if capacity == 1 else SampleKind.POOL
    for i in range(0, len(tubes), chunk):
        part = tubes[i:i + chunk]
        with transaction.atomic():
            taken: set[str] = set()
            for j in range(0, len(part), 5000):
                taken.update(Sample.objects.filter(barcode__in=[t.barcode for t in part[j:j + 5000]])
                             .values_list("barcode", flat=True))
            part = [t for t in part if t.barcode not in taken]
            done["skipped"] += len(taken)
            if not part:
                continue
            id_list = list({n for t in part for n in t.id_numbers})
            residents: dict[str, tuple] = {}
            for j in range(0, len(id_list), 5000):
                residents.update({r[0]: r[1:] for r in Resident.objects.filter(id_number__in=id_list[j:j + 5000])
                                  .values_list("id_number", "pk", "name", "phone", "grid_id")})
            divs = [site_div.get(t.site_id, division_id) for t in part]
            land("testing_sample", ["barcode", "site_id", "division_id", "members", "opened_at", "sealed_at"],
                 pa.table({"barcode": [t.barcode for t in part], "site_id": pa.array([t.site_id for t in part], pa.int64()),
                           "division_id": divs, "members": [len(t.id_numbers) for t in part],
                           "opened_at": [t.sampled_at for t in part], "sealed_at": [t.sampled_at for t in part]}),
                 constants={"kind": kind, "capacity": capacity, "test_kind": test_kind, "round_id": round_id,
                            "status": SampleStatus.SEALED, "result": "pending", "lab": "",
                            "opened_by_id": actor.pk if actor else None})
            ids: dict[str, int] = {}
            for j in range(0, len(part), 5000):
                ids.update(Sample.objects.filter(barcode__in=[t.barcode for t in part[j:j + 5000]])
                           .values_list("barcode", "pk"))
            cols: dict[str, list] = {k: [] for k in ("sample_id", "resident_id", "id_number", "name", "phone",
                                                     "division_id", "sampled_at")}
            for t, div in zip(part, divs, strict=True):
                sid = ids[t.barcode]
                for n in t.id_numbers:
                    r = residents.get(n)
                    for k, v in (("sample_id", sid), ("resident_id", r[0] if r else None), ("id_number", n),
                                 ("name", r[1] if r else ""), ("phone", r[2] if r else ""),
                                 ("division_id", r[3] if r else div), ("sampled_at", t.sampled_at)):
                        cols[k].append(v)
            cols["resident_id"] = pa.array(cols["resident_id"], pa.int64())
            land("testing_sampling", list(cols), pa.table(cols), constants={"round_id": round_id})
            audit.record_many(AuditAction.CREATE, verb="import_samplings", entries=[
                audit.Entry("testing.sample", str(ids[t.barcode]), t.barcode, {"members": t.id_numbers},
                            div_path.get(div, "")) for t, div in zip(part, divs, strict=True)])
            done["tubes"] += len(part)
            done["samplings"] += len(cols["id_number"])
    return done
