"""Rounds and coverage: dashboard, drill-down, untested lists, exports, new rounds and exemptions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from fangkong.analytics.runs import AnalyticsFailed
from fangkong.core import audit
from fangkong.core.choices import AuditAction, DivisionLevel
from fangkong.core.identity import InvalidValue
from fangkong.core.models import Division
from fangkong.core.pii import may_see_full_pii
from fangkong.core.scoping import in_subtree
from fangkong.registry.models import Resident

from .. import actions, jobs
from ..choices import ExemptionReason, MissReason, SampleStatus, TaskStatus
from ..exports import export_response
from ..forms import ExemptionForm, RoundForm
from ..models import (
    CoverageGap,
    CoverageRollup,
    HouseholdWeekRollup,
    MissRecord,
    ResamplingTask,
    SamplingRound,
    SamplingSite,
    SiteHourRollup,
    UnmatchedResult,
)
from ..models.common import COVERAGE_REFRESHERS, ORGANISERS
from .site import operable_site_ids


class HomeView(LoginRequiredMixin, TemplateView):
    """核酸检测: rounds in scope, sites, this week's household numbers."""

    template_name = "testing/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["rounds"] = SamplingRound.objects.restrict(user)[:20]
        ctx["sites"] = SamplingSite.objects.restrict(user).filter(active=True).select_related("division")[:50]
        ctx["week"] = household_sentence(user)
        ctx["open_tasks"] = ResamplingTask.objects.restrict(user).filter(status=TaskStatus.OPEN).count()
        ctx["may_organise"] = bool(user.role_names & ORGANISERS)
        ctx["operable"] = operable_site_ids(user)
        return ctx


def household_sentence(user) -> dict | None:
    """全县N户,本周落实了N户N人的检测要求 — for the user's own division."""
    if user.division is None:
        return None
    row = (HouseholdWeekRollup.objects.restrict(user).filter(division=user.division)
           .order_by("-week_start").first())
    return {"row": row, "division": user.division}


class RoundView(LoginRequiredMixin, TemplateView):
    """Round dashboard: coverage by division (drill down), throughput per site-hour, turnaround."""

    template_name = "testing/round.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        rnd = get_object_or_404(SamplingRound.objects.restrict(user), pk=kwargs["pk"])
        current = user.division
        if self.request.GET.get("division"):
            current = get_object_or_404(Division.objects.subtree(user.division), pk=self.request.GET["division"])
        rows = CoverageRollup.objects.restrict(user).filter(round=rnd).select_related("division")
        ctx.update(
            round=rnd, current=current,
            total=rows.filter(division=current).first(),
            children=rows.filter(division__parent=current).order_by("division__path"),
            site_hours=in_subtree(SiteHourRollup.objects.filter(round=rnd), "site__division", current)
            .select_related("site").order_by("site__name", "hour")[:200],
            unknown=UnmatchedResult.objects.restrict(user).filter(resolved_at__isnull=True).count(),
            pending=rnd.samples.filter(status__in=[SampleStatus.SEALED, SampleStatus.OPEN]).count(),
            can_refresh=may_refresh(user),
            last_run=jobs.last_coverage_run(rnd),
        )
        return ctx

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        rnd = get_object_or_404(SamplingRound.objects.restrict(request.user), pk=pk)
        if not may_refresh(request.user):
            raise PermissionDenied("没有重算覆盖率的权限")
        try:
            jobs.refresh_coverage(rnd, acting_user=request.user)
        except AnalyticsFailed as exc:  # recorded on the run; the page shows it until a run succeeds
            messages.error(request, _("覆盖率计算失败：%(reason)s") % {"reason": exc.reason})
        else:
            messages.success(request, "覆盖率已重新计算")
        return redirect(request.get_full_path())


def may_refresh(user) -> bool:
    """Whether to offer 立即重算 (`jobs.refresh_coverage` checks the same roles)."""
    return bool(user.role_names & COVERAGE_REFRESHERS)


class GapListView(LoginRequiredMixin, ListView):
    """未检人员 per grid, with phone for the grid worker to chase, and the reason when known."""

    template_name = "testing/gaps.html"
    paginate_by = 100

    def get_queryset(self):
        self.round = get_object_or_404(SamplingRound.objects.restrict(self.request.user), pk=self.kwargs["pk"])
        qs = (CoverageGap.objects.restrict(self.request.user).filter(round=self.round)
              .select_related("resident", "division").order_by("division__path", "resident__household_id"))
        if self.request.GET.get("division"):
            qs = in_subtree(qs, "division", get_object_or_404(
                Division.objects.subtree(self.request.user.division), pk=self.request.GET["division"]))
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        page = ctx["object_list"]
        reasons = dict(MissRecord.objects.filter(round=self.round, resident_id__in=[g.resident_id for g in page])
                       .values_list("resident_id", "reason"))
        for g in page:
            g.miss_reason = reasons.get(g.resident_id, "")
        full = may_see_full_pii(self.request.user)
        if full and page:
            audit.record(AuditAction.VIEW_PII, None, object_type_="testing.coveragegap",
                         object_repr=f"{self.round} 未检人员", changes={"fields": ["phone"], "count": len(page)})
        ctx.update(round=self.round, reasons=reasons, full=full, miss_reasons=MissReason.choices,
                   can_refresh=may_refresh(self.request.user))
        return ctx

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        rnd = get_object_or_404(SamplingRound.objects.restrict(request.user), pk=pk)
        gap = get_object_or_404(CoverageGap.objects.restrict(request.user), round=rnd, pk=request.POST.get("gap"))
        try:
            actions.do_record_miss(rnd, gap.resident, request.POST.get("reason", ""), request.POST.get("note", ""),
                                   acting_user=request.user)
        except ValidationError as exc:
            return HttpResponse(f'<span class="errorlist">{escape(exc.messages[0])}</span>', status=400)
        except PermissionDenied as exc:
            return HttpResponse(f'<span class="errorlist">{escape(str(exc))}</span>', status=403)
        if request.htmx:
            return HttpResponse(f"{MissReason(request.POST['reason']).label} ✓")
        return redirect(request.get_full_path())


class ExportView(LoginRequiredMixin, View):
    """Coverage or untested list of a round as xlsx / csv (masked unless the role may see full)."""

    def get(self, request: HttpRequest, pk: int, what: str) -> HttpResponse:
        rnd = get_object_or_404(SamplingRound.objects.restrict(request.user), pk=pk)
        if rnd.coverage_at is None and what in ("coverage", "gaps"):
            # Never computed: an export would be a bare header that reads as "nobody is missing".
            messages.warning(request, _("尚未计算覆盖率,请先计算后再导出"))
            return redirect("testing:round", rnd.pk)
        return export_response(request, rnd, what, request.GET.get("format", "xlsx"))


class RoundCreateView(LoginRequiredMixin, View):
    """New round: chosen villages inside the organiser's scope, rotating over N days."""

    def _villages(self, request):
        if not request.user.role_names & ORGANISERS:
            raise PermissionDenied("只有指挥部、乡镇和疾控可以组织检测轮次")
        return Division.objects.subtree(request.user.division).filter(level=DivisionLevel.VILLAGE)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "testing/form.html", {"form": RoundForm(villages=self._villages(request)),
                                                     "title": _("新建检测轮次")})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = RoundForm(request.POST, villages=self._villages(request))
        if form.is_valid():
            d = form.cleaned_data
            try:
                rnd = actions.do_create_round(name=d["name"], division=request.user.division,
                                              starts_on=d["starts_on"], days=d["days"], villages=d["villages"],
                                              pool_size=d["pool_size"], acting_user=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("testing:round", rnd.pk)
        return render(request, "testing/form.html", {"form": form, "title": _("新建检测轮次")})


class ExemptionCreateView(LoginRequiredMixin, View):
    """免检登记: infants, bedridden (→ home sampling), away (with where); scoped to the user's people."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "testing/form.html", {"form": ExemptionForm(), "title": _("免检 / 上门采样登记")})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ExemptionForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                from fangkong.core.identity import clean_id_number

                resident = Resident.objects.restrict(request.user).filter(
                    id_number=clean_id_number(d["id_number"])).first()
                if resident is None:
                    raise ValidationError("您的管辖范围内没有此身份证号的常住人口")
                actions.do_add_exemption(resident, d["reason"], away_to=d["away_to"], note=d["note"],
                                         until=d["until"], acting_user=request.user)
            except (ValidationError, InvalidValue, PermissionDenied) as exc:
                form.add_error(None, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
            else:
                messages.success(request, f"已登记 {resident.name}:{ExemptionReason(d['reason']).label}")
                return redirect("testing:exemption_new")
        return render(request, "testing/form.html", {"form": form, "title": _("免检 / 上门采样登记")})
