"""Exports of a round: coverage by division, and the untested list (masked unless the role may see)."""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpRequest, HttpResponse
from openpyxl import Workbook

from fangkong.core import audit
from fangkong.core.pii import mask_id_number, mask_phone, may_see_full_pii

from .models import CoverageGap, CoverageRollup, SamplingRound

COVERAGE_HEADER = ["区划", "层级", "台账人数", "免检", "上门采样", "应检", "已采", "异地采样", "重复采样", "已出结果",
                   "阳性", "待单采", "未检", "覆盖率%"]
GAP_HEADER = ["网格", "姓名", "身份证号", "联系电话", "住址", "需上门采样"]


def _coverage_rows(user, rnd: SamplingRound) -> list[list]:
    out = []
    for r in (CoverageRollup.objects.restrict(user).filter(round=rnd).select_related("division")
              .order_by("division__path")):
        out.append([r.division.name, r.level, r.registered, r.exempt, r.home_sampling, r.expected, r.sampled,
                    r.sampled_elsewhere, r.duplicates, r.resulted, r.positive, r.awaiting_resample, r.untested, r.rate])
    return out


def _gap_rows(user, rnd: SamplingRound, full: bool) -> list[list]:
    out = []
    for g in (CoverageGap.objects.restrict(user).filter(round=rnd).select_related("resident", "division")
              .order_by("division__path", "resident_id").iterator(chunk_size=2000)):
        r = g.resident
        out.append([g.division.name, r.name, r.id_number if full else mask_id_number(r.id_number),
                    r.phone if full else mask_phone(r.phone), r.address, "是" if g.home_sampling else ""])
    return out


def export_response(request: HttpRequest, rnd: SamplingRound, what: str, fmt: str) -> HttpResponse:
    full = request.GET.get("full_pii") == "1" and may_see_full_pii(request.user)
    if what == "coverage":
        header, rows = COVERAGE_HEADER, _coverage_rows(request.user, rnd)
    elif what == "gaps":
        header, rows = GAP_HEADER, _gap_rows(request.user, rnd, full)
    else:
        raise Http404
    audit.record_export(f"testing.{what}", len(rows), fields=header, full_pii=full, description=str(rnd))
    name = f"{rnd.name}-{'覆盖率' if what == 'coverage' else '未检人员'}"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(header)
        w.writerows(rows)
        resp = HttpResponse(("\ufeff" + buf.getvalue()).encode(), content_type="text/csv; charset=utf-8")
        ext = "csv"
    else:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(name[:31])
        ws.append(header)
        for row in rows:
            ws.append(row)
        out = io.BytesIO()
        wb.save(out)
        resp = HttpResponse(out.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        ext = "xlsx"
    from urllib.parse import quote

    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}.{ext}"
    return resp
