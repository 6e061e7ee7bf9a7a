"""Exports of a round: coverage by division, and the untested list (masked unless an allowed role gives a reason)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from fangkong.core.exports import export_rows
from fangkong.core.pii import mask_id_number, mask_phone

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
    return [[h.site.name, timezone.localtime(h.hour).strftime("%Y-%m-%d %H:00"), h.persons, h.tubes]
            for h in SiteHourRollup.objects.filter(round=rnd, site__in=sites).select_related("site")]


def export_response(request: HttpRequest, rnd: SamplingRound, what: str, fmt: str) -> HttpResponse:
    """One of the round's lists through the one export helper (masking, reason, formulas, audit)."""
    names = {"coverage": "覆盖率", "gaps": "未检人员", "throughput": "采样点产能"}
    if what not in names:
        raise Http404
    name = f"{rnd.name}-{names[what]}"
    if what == "gaps":
        return export_rows(request, name=name, object_type="testing.gaps", header=GAP_HEADER,
                           rows=lambda full: _gap_rows(request.user, rnd, full), fmt=fmt)
    header, rows = ((COVERAGE_HEADER, lambda full: _coverage_rows(request.user, rnd)) if what == "coverage"
                    else (THROUGHPUT_HEADER, lambda full: _throughput_rows(request.user, rnd)))
    return export_rows(request, name=name, object_type=f"testing.{what}", header=header, rows=rows,
                       has_pii=False, fmt=fmt)
