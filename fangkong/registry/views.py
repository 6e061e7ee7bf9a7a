"""Registry pages: person search, resident detail with an audited reveal, export, division browser.

Every queryset starts from `Resident.objects.restrict(user)`: a resident outside the user's
division subtree is not found (404), whatever page, filter or export asks for it.
"""

from __future__ import annotations

import io

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from fangkong.core import audit
from fangkong.core.choices import AuditAction, DivisionLevel
from fangkong.core.models import Division
from fangkong.core.pii import mask_id_number, mask_phone, may_see_full_pii

from .choices import ResidentStatus
from .models import Household, Resident
from .search import search_residents

PII_FIELDS = ("id_number", "phone")
EXPORT_LIMIT = 100_000


def _division_param(request: HttpRequest) -> Division | None:
    """The `division` filter, only inside the user's own subtree (else 404)."""
    pk = request.GET.get("division")
    if not pk or request.user.division is None:
        return None
    return get_object_or_404(Division.objects.subtree(request.user.division), pk=pk)


def filtered_residents(request: HttpRequest) -> QuerySet[Resident]:
    """The user's residents narrowed by `q`, `division` and `status`; none without any of them."""
    qs = Resident.objects.restrict(request.user).select_related("grid")
    q = request.GET.get("q", "").strip()
    division = _division_param(request)
    status = request.GET.get("status", "")
    if not (q or division):
        return qs.none()
    if q:
        qs = search_residents(qs, q)
    if division is not None:
        qs = qs.filter(grid__path__startswith=division.path)
    if status in ResidentStatus.values:
        qs = qs.filter(status=status)
    return qs


class ResidentSearchView(LoginRequiredMixin, ListView):
    """人员查询: partial ID numbers, last digits, phones, names, pinyin initials; results masked."""

    template_name = "registry/search.html"
    paginate_by = 50

    def get_queryset(self):
        return filtered_residents(self.request)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        ctx.update(
            q=self.request.GET.get("q", ""), status=self.request.GET.get("status", ""),
            division=_division_param(self.request), statuses=ResidentStatus.choices, query=params.urlencode(),
            searched=bool(self.request.GET.get("q") or self.request.GET.get("division")),
            may_reveal=may_see_full_pii(self.request.user),
        )
        return ctx


class ResidentDetailView(LoginRequiredMixin, View):
    """One resident, masked; opening the page is itself logged (who looked at whom)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        resident = get_object_or_404(
            Resident.objects.restrict(request.user).select_related("grid", "household"), pk=pk
        )
        audit.record(AuditAction.VIEW, resident)
        members = []
        if resident.household_id:
            members = list(
                Resident.objects.restrict(request.user).filter(household_id=resident.household_id).exclude(pk=pk)
            )
        return render(request, "registry/resident.html", {
            "resident": resident, "members": members, "may_reveal": may_see_full_pii(request.user),
            "grid_path": resident.grid.ancestors(),
        })


class ResidentRevealView(LoginRequiredMixin, View):
    """显示完整: the full ID number and phone, for roles that may; each reveal is an audit row."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        resident = get_object_or_404(Resident.objects.restrict(request.user), pk=pk)
        if not may_see_full_pii(request.user):
            raise PermissionDenied(_("您的角色不能查看完整身份证号和手机号"))
        audit.record_pii_view(resident, [f for f in PII_FIELDS if getattr(resident, f)])
        return render(request, "registry/_pii.html", {"resident": resident, "full": True})


class ResidentExportView(LoginRequiredMixin, View):
    """The search result as xlsx: masked, or full (`full=1`) for roles that may; always audited."""

    columns = ("name", "id_number", "sex", "birth_date", "phone", "address", "relation_to_head", "status")

    def get(self, request: HttpRequest) -> HttpResponse:
        from openpyxl import Workbook

        full = request.GET.get("full") == "1"
        if full and not may_see_full_pii(request.user):
            raise PermissionDenied(_("您的角色不能导出完整身份证号和手机号"))
        rows = filtered_residents(request)[:EXPORT_LIMIT]
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(_("常住人口"))
        ws.append([str(Resident._meta.get_field(c).verbose_name) for c in self.columns] + [_("所属网格")])
        count = 0
        for r in rows.iterator(chunk_size=2000):
            ws.append([
                r.name, r.id_number if full else mask_id_number(r.id_number), r.get_sex_display(),
                r.birth_date, r.phone if full else mask_phone(r.phone), r.address, r.relation_to_head,
                r.get_status_display(), r.grid.name,
            ])
            count += 1
        buf = io.BytesIO()
        wb.save(buf)
        params = {k: v for k, v in request.GET.items() if v}
        audit.record_export("registry.resident", count, fields=self.columns, full_pii=full,
                            description=str(params)[:200])
        response = HttpResponse(
            buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="residents-{timezone.localtime():%Y%m%d-%H%M}.xlsx"'
        return response


class DivisionBrowserView(LoginRequiredMixin, TemplateView):
    """A division's children with resident, away and household counts, inside the user's scope."""

    template_name = "registry/divisions.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        current = _division_param(self.request) or user.division
        ctx["current"] = current
        if current is None:
            return ctx
        residents = Resident.objects.restrict(user).filter(grid__path__startswith=current.path)
        households = Household.objects.restrict(user).filter(grid__path__startswith=current.path)
        kids = list(current.children.all()) if current.level != DivisionLevel.GRID else []
        counts: dict[str, dict[str, int]] = {k.path: {"residents": 0, "away": 0, "households": 0} for k in kids}
        if kids:
            width = len(kids[0].path)
            for row in (residents.annotate(prefix=Substr("grid__path", 1, width)).values("prefix")
                        .annotate(n=Count("id"), away=Count("id", filter=Q(status=ResidentStatus.AWAY)))):
                counts.setdefault(row["prefix"], {}).update(residents=row["n"], away=row["away"])
            for row in households.annotate(prefix=Substr("grid__path", 1, width)).values("prefix").annotate(n=Count("id")):
                counts.setdefault(row["prefix"], {}).update(households=row["n"])
        ctx.update(
            children=[(k, counts[k.path]) for k in kids],
            totals={"residents": residents.count(), "households": households.count(),
                    "away": residents.filter(status=ResidentStatus.AWAY).count()},
            ancestors=[a for a in current.ancestors() if user.division and a.path.startswith(user.division.path)],
        )
        return ctx


class ImportView(LoginRequiredMixin, TemplateView):
    template_name = "registry/import.html"
