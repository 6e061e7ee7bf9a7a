"""Pages of the testing area: the sampling site (phone, queue-fast), rounds and coverage,
untested lists, results upload, re-sampling tasks, key groups, planning and exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import ListView, TemplateView

from fangkong.core import audit
from fangkong.core.choices import AuditAction
from fangkong.core.identity import InvalidValue
from fangkong.core.models import Division
from fangkong.core.pii import may_see_full_pii
from fangkong.registry.models import Resident

from . import actions, jobs
from .choices import POOL_SIZES, ExemptionReason, MissReason, SampleStatus, TaskStatus
from .compliance import compliance, summary
from .exports import export_response
from .forms import ExemptionForm, PlanningForm, RoundForm, SiteForm, UploadForm
from .ingest import do_import_results, file_digest, new_batch
from .models import (
    CoverageGap,
    CoverageRollup,
    HouseholdWeekRollup,
    KeyGroup,
    MissRecord,
    ResamplingTask,
    Sample,
    SamplingRound,
    SamplingSite,
    SiteHourRollup,
    UnmatchedResult,
)
from .models.common import ORGANISERS, RESULT_WRITERS
from .planning import plan_round, tests_per_person
from .qr import looks_like_person, qr_svg, token_for
from .upload import parse_result_file


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
        return ctx


def household_sentence(user) -> dict | None:
    """全县N户,本周落实了N户N人的检测要求 — for the user's own division."""
    if user.division is None:
        return None
    row = (HouseholdWeekRollup.objects.restrict(user).filter(division=user.division)
           .order_by("-week_start").first())
    return {"row": row, "division": user.division}


# --- the sampling site ------------------------------------------------------------------------

class SiteListView(LoginRequiredMixin, ListView):
    template_name = "testing/sites.html"

    def get_queryset(self):
        return SamplingSite.objects.restrict(self.request.user).filter(active=True).select_related("division")


def _site_for(request: HttpRequest, pk: int) -> SamplingSite:
    site = get_object_or_404(SamplingSite.objects.restrict(request.user), pk=pk)
    if not actions.may_operate(site, request.user):
        raise Http404
    return site


def _open_tube(site: SamplingSite, user) -> Sample | None:
    return Sample.objects.filter(site=site, status=SampleStatus.OPEN, opened_by=user).order_by("-id").first()


def _panel(request: HttpRequest, site: SamplingSite, *, message: str = "", error: str = "") -> HttpResponse:
    tube = _open_tube(site, request.user)
    today = timezone.localdate()
    ctx = {
        "site": site, "tube": tube, "members": list(tube.samplings.order_by("-id")) if tube else [],
        "message": message, "error": error, "capacity": request.session.get("testing_capacity", 10),
        "sizes": POOL_SIZES,
        "today": Sample.objects.filter(site=site, opened_at__date=today).aggregate(
            tubes=Count("id"), persons=Sum("members")),
    }
    template = "testing/_site_panel.html" if request.htmx else "testing/site.html"
    if not request.htmx:
        ctx["rounds"] = _rounds_for(site)
        ctx["round"] = _current_round(request, site)
    return render(request, template, ctx)


def _rounds_for(site: SamplingSite):
    today = timezone.localdate()
    return SamplingRound.objects.filter(starts_on__lte=today, ends_on__gte=today,
                                        villages__village__path__startswith=site.division.path[:9]).distinct()


def _current_round(request: HttpRequest, site: SamplingSite) -> SamplingRound | None:
    rid = request.session.get(f"testing_round_{site.pk}")
    rounds = _rounds_for(site)
    return rounds.filter(pk=rid).first() or rounds.first()


class SiteView(LoginRequiredMixin, View):
    """The sampling page: one autofocused input takes a tube barcode, an ID number or a QR code."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return _panel(request, _site_for(request, pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        site = _site_for(request, pk)
        if "capacity" in request.POST and request.POST["capacity"].isdigit():
            request.session["testing_capacity"] = int(request.POST["capacity"])
        if request.POST.get("round", "").isdigit():
            request.session[f"testing_round_{site.pk}"] = int(request.POST["round"])
        code = request.POST.get("code", "").strip()
        action = request.POST.get("action", "scan")
        try:
            if action == "seal":
                tube = _open_tube(site, request.user)
                if tube is None:
                    raise ValidationError("当前没有采样中的管")
                actions.do_seal_tube(tube)
                return _panel(request, site, message=f"已封管 {tube.barcode}({tube.members}人)")
            if not code:
                raise ValidationError("请扫描或输入")
            return _panel(request, site, message=self._scan(request, site, code))
        except (ValidationError, InvalidValue, PermissionDenied) as exc:
            text = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
            return _panel(request, site, error=text)

    def _scan(self, request: HttpRequest, site: SamplingSite, code: str) -> str:
        tube = _open_tube(site, request.user)
        if looks_like_person(code):
            if tube is None:
                raise ValidationError("请先扫描采样管条码")
            sampling = actions.do_bind_sample(tube, code)
            tube.refresh_from_db()
            who = sampling.name or "非本县人员"
            sealed = "(已满,自动封管)" if tube.status == SampleStatus.SEALED else ""
            return f"{who} → {tube.barcode} 第{tube.members}人{sealed}"
        note = ""
        if tube is not None:
            if tube.members:
                actions.do_seal_tube(tube)
                note = f"已封管 {tube.barcode};"
            else:
                raise ValidationError(f"采样管 {tube.barcode} 还没有人,请先扫描人员")
        capacity = request.session.get("testing_capacity", 10)
        new = actions.do_open_tube(site, code, capacity, round=_current_round(request, site))
        return f"{note}新管 {new.barcode}({capacity}合1),请扫描人员"


class QrView(LoginRequiredMixin, View):
    """个人采样码: the signed QR code of one resident (print it, or show it on a phone)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        resident = get_object_or_404(Resident.objects.restrict(request.user), pk=pk)
        audit.record(AuditAction.VIEW, resident, verb="view_sampling_qr")
        return render(request, "testing/qr.html", {"resident": resident, "svg": qr_svg(token_for(resident))})


# --- rounds and coverage ----------------------------------------------------------------------

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
            site_hours=SiteHourRollup.objects.filter(round=rnd, site__division__path__startswith=current.path)
            .select_related("site").order_by("site__name", "hour")[:200],
            unknown=UnmatchedResult.objects.restrict(user).filter(resolved_at__isnull=True).count(),
            pending=rnd.samples.filter(status__in=[SampleStatus.SEALED, SampleStatus.OPEN]).count(),
            can_refresh=may_refresh(user),
        )
        return ctx

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        rnd = get_object_or_404(SamplingRound.objects.restrict(request.user), pk=pk)
        if not may_refresh(request.user):
            raise PermissionDenied("没有重算覆盖率的权限")
        jobs.refresh_coverage(rnd)
        messages.success(request, "覆盖率已重新计算")
        return redirect(request.get_full_path())


def may_refresh(user) -> bool:
    """Recomputing a county round costs seconds of the analytics engine: organisers, labs and
    village cadres (who run the sites) may ask for it; the job also runs after every upload."""
    return bool(user.role_names & (ORGANISERS | RESULT_WRITERS)) or user.has_role("village_cadre")


class GapListView(LoginRequiredMixin, ListView):
    """未检人员 per grid, with phone for the grid worker to chase, and the reason when known."""

    template_name = "testing/gaps.html"
    paginate_by = 100

    def get_queryset(self):
        self.round = get_object_or_404(SamplingRound.objects.restrict(self.request.user), pk=self.kwargs["pk"])
        qs = (CoverageGap.objects.restrict(self.request.user).filter(round=self.round)
              .select_related("resident", "division").order_by("division__path", "resident__household_id"))
        if self.request.GET.get("division"):
            qs = qs.filter(division__path__startswith=get_object_or_404(
                Division.objects.subtree(self.request.user.division), pk=self.request.GET["division"]).path)
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
        ctx.update(round=self.round, reasons=reasons, full=full, miss_reasons=MissReason.choices)
        return ctx

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        rnd = get_object_or_404(SamplingRound.objects.restrict(request.user), pk=pk)
        gap = get_object_or_404(CoverageGap.objects.restrict(request.user), round=rnd, pk=request.POST.get("gap"))
        try:
            actions.do_record_miss(rnd, gap.resident, request.POST.get("reason", ""), request.POST.get("note", ""))
        except (ValueError, PermissionDenied) as exc:
            return HttpResponse(f'<span class="errorlist">{exc}</span>', status=400)
        if request.htmx:
            return HttpResponse(f"{MissReason(request.POST['reason']).label} ✓")
        return redirect(request.get_full_path())


class ExportView(LoginRequiredMixin, View):
    """Coverage or untested list of a round as xlsx / csv (masked unless the role may see full)."""

    def get(self, request: HttpRequest, pk: int, what: str) -> HttpResponse:
        rnd = get_object_or_404(SamplingRound.objects.restrict(request.user), pk=pk)
        return export_response(request, rnd, what, request.GET.get("format", "xlsx"))


# --- results ----------------------------------------------------------------------------------

class UploadView(LoginRequiredMixin, View):
    """Labs upload result files (csv / xlsx). Same file twice changes nothing."""

    def _check(self, request):
        if not request.user.role_names & RESULT_WRITERS:
            raise PermissionDenied("只有检测机构、疾控和指挥部可以上传检测结果")

    def get(self, request: HttpRequest) -> HttpResponse:
        self._check(request)
        return render(request, "testing/upload.html", {"form": UploadForm(), "batches": self._batches(request)})

    def _batches(self, request):
        from fangkong.core.models import Batch

        return Batch.objects.restrict(request.user).filter(kind="lab_result")[:20]

    def post(self, request: HttpRequest) -> HttpResponse:
        self._check(request)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, "testing/upload.html", {"form": form, "batches": self._batches(request)})
        f = form.cleaned_data["file"]
        data = f.read()
        digest = file_digest(data)
        from fangkong.core.models import Batch

        earlier = Batch.objects.filter(kind="lab_result", file_sha256=digest, status="done").first()
        if earlier is not None:
            messages.info(request, f"该文件已于 {timezone.localtime(earlier.created_at):%m-%d %H:%M} 导入,未做任何更改")
            return render(request, "testing/upload.html", {"form": UploadForm(), "batch": earlier,
                                                           "batches": self._batches(request)})
        try:
            rows, errors = parse_result_file(data, f.name, lab=form.cleaned_data["lab"])
        except (ValueError, InvalidValue) as exc:
            form.add_error("file", str(exc))
            return render(request, "testing/upload.html", {"form": form, "batches": self._batches(request)})
        batch = new_batch(request.user, file_name=f.name, digest=digest, source=form.cleaned_data["lab"])
        do_import_results(rows, errors, batch)
        messages.success(request, f"已导入 {batch.rows} 行:更新 {batch.updated},错误 {batch.rejected}")
        return render(request, "testing/upload.html", {"form": UploadForm(), "batch": batch,
                                                       "batches": self._batches(request)})


class ResamplingListView(LoginRequiredMixin, ListView):
    """上门单采 tasks in scope, overdue first."""

    template_name = "testing/resampling.html"
    paginate_by = 100

    def get_queryset(self):
        status = self.request.GET.get("status", TaskStatus.OPEN)
        return (ResamplingTask.objects.restrict(self.request.user).filter(status=status)
                .select_related("division", "assignee", "source_sample").order_by("due_at"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(now=timezone.now(), statuses=TaskStatus.choices,
                                        status=self.request.GET.get("status", TaskStatus.OPEN), **kwargs)


# --- key groups, planning ---------------------------------------------------------------------

class KeyGroupListView(LoginRequiredMixin, ListView):
    template_name = "testing/key_groups.html"

    def get_queryset(self):
        return KeyGroup.objects.restrict(self.request.user).annotate(n=Count("members"))


class KeyGroupView(LoginRequiredMixin, TemplateView):
    """Compliance list of one key group: on time, overdue, never tested."""

    template_name = "testing/key_group.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        group = get_object_or_404(KeyGroup.objects.restrict(self.request.user), pk=kwargs["pk"])
        rows = compliance(group, timezone.now(), group.members.restrict(self.request.user))
        only = self.request.GET.get("status")
        ctx.update(group=group, summary=summary(rows), rows=[r for r in rows if not only or r.status == only])
        return ctx


class PlanningView(LoginRequiredMixin, TemplateView):
    """Dorfman planning: tests per person, retests, tubes and reagents, recommended pool size."""

    template_name = "testing/planning.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = PlanningForm(self.request.GET or None)
        if form.is_valid():
            d = form.cleaned_data
            p = d["prevalence_per_10k"] / 10000
            ctx["plan"] = plan_round(d["population"], p, int(d["pool_size"]))
            ctx["curve"] = [(k, round(tests_per_person(p, k), 4)) for k in POOL_SIZES]
        ctx["form"] = form
        return ctx


class RoundCreateView(LoginRequiredMixin, View):
    """New round: chosen villages inside the organiser's scope, rotating over N days."""

    def _villages(self, request):
        if not request.user.role_names & ORGANISERS:
            raise PermissionDenied("只有指挥部、乡镇和疾控可以组织检测轮次")
        return Division.objects.subtree(request.user.division).filter(level="village")

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "testing/form.html", {"form": RoundForm(villages=self._villages(request)),
                                                     "title": "新建检测轮次"})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = RoundForm(request.POST, villages=self._villages(request))
        if form.is_valid():
            d = form.cleaned_data
            try:
                rnd = actions.do_create_round(name=d["name"], division=request.user.division,
                                              starts_on=d["starts_on"], days=d["days"], villages=d["villages"],
                                              pool_size=d["pool_size"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("testing:round", rnd.pk)
        return render(request, "testing/form.html", {"form": form, "title": "新建检测轮次"})


class SiteCreateView(LoginRequiredMixin, View):
    def _divisions(self, request):
        if not request.user.role_names & ORGANISERS:
            raise PermissionDenied("只有指挥部、乡镇和疾控可以设立采样点")
        return Division.objects.subtree(request.user.division).filter(level__in=["township", "village"])

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "testing/form.html", {"form": SiteForm(divisions=self._divisions(request)),
                                                     "title": "新建采样点"})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SiteForm(request.POST, divisions=self._divisions(request))
        if form.is_valid():
            from fangkong.core.actions import do_create

            do_create(SamplingSite, verb="create_site", **form.cleaned_data)
            return redirect("testing:sites")
        return render(request, "testing/form.html", {"form": form, "title": "新建采样点"})


class ExemptionCreateView(LoginRequiredMixin, View):
    """免检登记: infants, bedridden (→ home sampling), away (with where); scoped to the user's people."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "testing/form.html", {"form": ExemptionForm(), "title": "免检 / 上门采样登记"})

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
                                         until=d["until"])
            except (ValidationError, InvalidValue, PermissionDenied) as exc:
                form.add_error(None, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
            else:
                messages.success(request, f"已登记 {resident.name}:{ExemptionReason(d['reason']).label}")
                return redirect("testing:exemption_new")
        return render(request, "testing/form.html", {"form": form, "title": "免检 / 上门采样登记"})
