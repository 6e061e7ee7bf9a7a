"""Exports of a round: coverage by division, and the untested list (masked unless the role may see)."""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from openpyxl import Workbook

from fangkong.core import audit
from fangkong.core.pii import mask_id_number, mask_phone, may_see_full_pii

from .models import CoverageGap, CoverageRollup, SamplingRound, SamplingSite, SiteHourRollup

COVERAGE_HEADER = ["区划", "层级", "台账人数", "免检", "上门采样", "应检", "已采", "异地采样", "重复采样", "已出结果",
                   "阳性", "待单采", "未检", "覆盖率%"]
GAP_HEADER = ["网格", "姓名", "身份证号", "联系电话", "住址", "需上门采样"]
THROUGHPUT_HEADER = ["采样点", "时段", "采样人数", "采样管数"]


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


def _throughput_rows(user, rnd: SamplingRound) -> list[list]:
    sites = SamplingSite.objects.restrict(user).values("pk")
    return [[h.site.name, timezone.localtime(h.hour).strftime("%Y-%m-%d %H时"), h.persons, h.tubes]
            for h in SiteHourRollup.objects.filter(round=rnd, site__in=sites).select_related("site")]


def export_response(request: HttpRequest, rnd: SamplingRound, what: str, fmt: str) -> HttpResponse:
    full = request.GET.get("full_pii") == "1" and may_see_full_pii(request.user)
    if what == "coverage":
        header, rows = COVERAGE_HEADER, _coverage_rows(request.user, rnd)
    elif what == "gaps":
        header, rows = GAP_HEADER, _gap_rows(request.user, rnd, full)
    elif what == "throughput":
        header, rows = THROUGHPUT_HEADER, _throughput_rows(request.user, rnd)
    else:
        raise Http404
    audit.record_export(f"testing.{what}", len(rows), fields=header, full_pii=full, description=str(rnd))
    name = f"{rnd.name}-{ {'coverage': '覆盖率', 'gaps': '未检人员', 'throughput': '采样点产能'}[what]}"
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
