"""The sampling site: one autofocused input, one scan, one tap (phone, queue-fast); QR codes."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from fangkong.core import audit
from fangkong.core.choices import AuditAction, DivisionLevel
from fangkong.core.identity import InvalidValue
from fangkong.core.models import Division
from fangkong.core.scoping import CHANGE, in_subtree
from fangkong.core.views.generic import ObjectListView
from fangkong.registry.models import Resident

from .. import actions
from ..choices import POOL_SIZES, SampleStatus, pool_label
from ..filtersets import SamplingSiteFilterSet
from ..forms import SiteForm
from ..models import (
    Sample,
    SamplingRound,
    SamplingSite,
)
from ..models.common import ORGANISERS
from ..qr import looks_like_person, qr_svg, token_for
from ..tables import SamplingSiteTable


class SiteListView(ObjectListView):
    """采样点 in use in scope (SamplingSiteFilterSet shared with the API; export through
    SamplingSiteTable)."""

    model = SamplingSite
    table = SamplingSiteTable
    filterset_class = SamplingSiteFilterSet
    template_name = "testing/sites.html"

    def filter_data(self):
        data = self.request.GET.copy()
        data.setdefault("active", "true")
        return data

    def get_queryset(self):
        return super().get_queryset().order_by("name", "id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(operable=operable_site_ids(self.request.user), **kwargs)


def operable_site_ids(user) -> set[int]:
    """Sites whose sampling page the user may open (staff, or a sampler in scope): the others are
    listed without a link (a lab or an auditor sees the sites but does not sample)."""
    ids = set(SamplingSite.objects.restrict(user, CHANGE).values_list("pk", flat=True))
    return ids | set(SamplingSite.objects.filter(staff=user, active=True).values_list("pk", flat=True))


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
        "sizes": [(k, pool_label(k)) for k in POOL_SIZES],
        "today": Sample.objects.filter(site=site, opened_at__date=today).aggregate(
            tubes=Count("id"), persons=Sum("members")),
    }
    template = "testing/_site_panel.html" if request.htmx else "testing/site.html"
    if not request.htmx:
        ctx["rounds"] = _rounds_for(site)
        ctx["round"] = _current_round(request, site)
    return render(request, template, ctx)


def _rounds_for(site: SamplingSite):
    """Today's rounds over the site's township (people cross village lines to the nearest site)."""
    today = timezone.localdate()
    township = Division.objects.filter(path=site.division.path[:9]).first() or site.division
    return in_subtree(SamplingRound.objects.filter(starts_on__lte=today, ends_on__gte=today),
                      "villages__village", township).distinct()


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
                actions.do_seal_tube(tube, acting_user=request.user)
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
            sampling = actions.do_bind_sample(tube, code, acting_user=request.user)
            tube.refresh_from_db()
            who = sampling.name or "非本县人员"
            sealed = "(已满,自动封管)" if tube.status == SampleStatus.SEALED else ""
            return f"{who} → {tube.barcode} 第{tube.members}人{sealed}"
        note = ""
        if tube is not None:
            if tube.members:
                actions.do_seal_tube(tube, acting_user=request.user)
                note = f"已封管 {tube.barcode};"
            else:
                raise ValidationError(f"采样管 {tube.barcode} 还没有人,请先扫描人员")
        capacity = request.session.get("testing_capacity", 10)
        new = actions.do_open_tube(site, code, capacity, round=_current_round(request, site),
                                   acting_user=request.user)
        return f"{note}新管 {new.barcode}({pool_label(capacity)}),请扫描人员"


class QrView(LoginRequiredMixin, View):
    """个人采样码: the signed QR code of one resident (print it, or show it on a phone)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        resident = get_object_or_404(Resident.objects.restrict(request.user), pk=pk)
        audit.record(AuditAction.VIEW, resident, verb="view_sampling_qr")
        return render(request, "testing/qr.html", {"resident": resident, "svg": qr_svg(token_for(resident))})


class SiteCreateView(LoginRequiredMixin, View):
    def _divisions(self, request):
        if not request.user.role_names & ORGANISERS:
            raise PermissionDenied("只有指挥部、乡镇和疾控可以设立采样点")
        return Division.objects.subtree(request.user.division).filter(
            level__in=[DivisionLevel.TOWNSHIP, DivisionLevel.VILLAGE])

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "testing/form.html", {"form": SiteForm(divisions=self._divisions(request)),
                                                     "title": _("新建采样点")})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SiteForm(request.POST, divisions=self._divisions(request))
        if form.is_valid():
            actions.do_create_sampling_site(acting_user=request.user, **form.cleaned_data)
            return redirect("testing:sites")
        return render(request, "testing/form.html", {"form": form, "title": _("新建采样点")})
