"""Pages of the tip-offs (群众举报): the public page (no login, anonymous allowed) with its receipt
code and the status lookup that shows nothing personal — rate-limited and bot-protected exactly
like the self-report page; the staff list (export), a tip-off with its handling buttons, the
audited reveal of the reporter for the module's admins, and its photo (never a public file)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.csrf import csrf_protect

from fangkong.core import audit, ratelimit
from fangkong.core.actions import OUT_OF_SCOPE, SYSTEM, may
from fangkong.core.choices import AuditSource, DivisionLevel
from fangkong.core.errors import ActionFailed, call_action
from fangkong.core.middleware import client_ip
from fangkong.core.models import Division
from fangkong.core.scoping import VIEW, user_may
from fangkong.core.views.generic import ModelPages, ObjectActionView, ObjectDetailView, ScopedView
from fangkong.metrics.tipoffs import tipoff_figures

from .. import actions
from ..actions.tipoffs import venues_for
from ..choices import TipOffStatus
from ..filtersets_tipoffs import TipOffFilterSet
from ..forms_tipoffs import JudgeForm, PublicTipOffForm, TipOffStatusForm, ToInspectionForm, ToLeadForm
from ..models import TipOff
from ..models.tipoffs import may_see_reporter
from ..tables_tipoffs import TipOffTable, masked_reporter
from .returns import RATE_LIMIT, RATE_WINDOW

REPORTER_FIELDS = ("reporter_name", "reporter_phone")


class TipOffDetailView(ObjectDetailView):
    template_name = "grid/tipoff_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        tip = self.get_object()
        return render(request, self.template_name, self.context(tip))

    def context(self, tip: TipOff, revealed: bool = False) -> dict[str, Any]:
        user = self.request.user
        cells = list(zip(self.table.headers(), self.table.cells(tip), strict=True))
        handle = may(user, tip)
        pending = tip.status == TipOffStatus.PENDING
        ctx: dict[str, Any] = {
            "object": tip, "cells": cells, "reporter": masked_reporter(tip), "revealed": revealed,
            "may_reveal": may_see_reporter(user) and bool(tip.reporter_name or tip.reporter_phone),
            "may_handle": handle and pending,
            "may_close": handle and tip.status in (TipOffStatus.PENDING, TipOffStatus.TO_LEAD, TipOffStatus.TO_INSPECTION),
            **self.links(tip)}
        lead = tip.lead if tip.lead_id else None
        task = lead.verification if lead is not None and lead.verification_id else None
        ctx["verification_url"] = reverse("screening:verification", args=[task.pk]) \
            if task is not None and may(user, task, VIEW) else ""
        ctx["inspection_url"] = reverse("sectors:inspection", args=[tip.inspection_id]) \
            if tip.inspection_id and may(user, tip.inspection, VIEW) else ""
        if handle and pending:
            grids = Division.objects.subtree(tip.division).filter(level=DivisionLevel.GRID)
            ctx["lead_form"] = ToLeadForm(initial={"name": tip.who_name, "phone": tip.who_phone})
            ctx["lead_form"].fields["grid"].queryset = grids.order_by("path")
            ctx["inspection_form"] = ToInspectionForm()
            ctx["inspection_form"].fields["venue"].queryset = venues_for(tip, user)
            ctx["judge_form"] = JudgeForm()
        return ctx


class TipOffRevealView(ScopedView, View):
    """显示举报人: for the module's admins only; each reveal is an audit row."""

    model = TipOff
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        tip = self.get_object()
        if not may_see_reporter(request.user):
            raise PermissionDenied(_("只有模块管理员可以查看举报人信息"))
        audit.record_pii_view(tip, [f for f in REPORTER_FIELDS if getattr(tip, f)])
        page = type("TipOffPage", (TipOffDetailView,), {"model": TipOff, "table": TipOffTable})()
        page.request, page.kwargs = request, {"pk": pk}
        return render(request, page.template_name, page.context(tip, revealed=True))


class TipOffPhotoView(ScopedView, View):
    """The tip-off's photo, to users who may see the tip-off (404 outside the scope)."""

    model = TipOff

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        tip = self.get_object()
        if not tip.photo:
            raise Http404
        return FileResponse(tip.photo.open("rb"), content_type=tip.photo_type or "application/octet-stream")


class TipOffBoardView(LoginRequiredMixin, View):
    """群众举报 by outcome, kind and township — each number a link to its list (`metrics.tipoffs`)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not user_may(TipOff, request.user, VIEW):
            raise PermissionDenied(OUT_OF_SCOPE)
        return render(request, "grid/tipoff_board.html", {"f": tipoff_figures(request.user), "title": _("群众举报统计")})


class TipOffPages(ModelPages):
    model = TipOff
    table = TipOffTable
    filterset_class = TipOffFilterSet

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        out["detail"] = type("TipOffPagesDetail", (TipOffDetailView,), {"model": TipOff, "table": TipOffTable})
        return out


class TipOffToLead(ObjectActionView):
    model = TipOff
    action = actions.do_tip_off_to_lead
    form_class = ToLeadForm
    success = gettext_lazy("已转为线索")


class TipOffToInspection(ObjectActionView):
    model = TipOff
    action = actions.do_tip_off_to_inspection
    form_class = ToInspectionForm
    success = gettext_lazy("已转为行业检查")


class TipOffJudge(ObjectActionView):
    model = TipOff
    action = actions.do_judge_tip_off
    form_class = JudgeForm
    success = gettext_lazy("已记录处理结果")


def _rate_key(request: HttpRequest, what: str) -> str:
    return f"grid:tipoff:{what}:{client_ip(request) or 'unknown'}"


@csrf_protect
def public_tip_off(request: HttpRequest) -> HttpResponse:
    """群众举报 by the public (no login, the reporter may stay anonymous): phone first."""
    key = _rate_key(request, "submit")
    limited = ratelimit.exceeded(key, limit=RATE_LIMIT, window=RATE_WINDOW)
    form = PublicTipOffForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not limited and form.is_valid():
        limited = not ratelimit.allow(key, limit=RATE_LIMIT, window=RATE_WINDOW)
    if request.method == "POST" and not limited and form.is_valid():
        try:
            with audit.audit_context(source=AuditSource.WEB, ip=client_ip(request)):
                tip = call_action(request, actions.do_submit_tip_off, form.item(), acting_user=SYSTEM, form=form,
                                  success="")
        except ActionFailed:
            pass
        else:
            request.session["last_tip_off_receipt"] = tip.code  # the code stays out of the URL
            return redirect("grid:public_tipoff_done")
    status = 429 if limited and request.method == "POST" else 200
    return render(request, "grid/public_tipoff.html", {"form": form, "limited": limited}, status=status)


def public_tip_off_done(request: HttpRequest) -> HttpResponse:
    code = request.session.get("last_tip_off_receipt", "")
    tip = TipOff.objects.filter(code=code).first() if code else None
    return render(request, "grid/public_tipoff_done.html", {"tip": tip})


@csrf_protect
def public_tip_off_status(request: HttpRequest) -> HttpResponse:
    """查询举报办理情况: a receipt code → its status and outcome, nothing personal. Lookups are
    rate-limited (a code cannot be guessed by trying)."""
    form = TipOffStatusForm(request.POST or None)
    found, limited, missing = None, False, False
    if request.method == "POST" and form.is_valid():
        limited = not ratelimit.allow(_rate_key(request, "status"), limit=RATE_LIMIT * 4, window=RATE_WINDOW)
        if not limited:
            found = TipOff.objects.filter(code=form.cleaned_data["code"]).only(
                "code", "kind", "status", "created_at", "handled_at").first()
            missing = found is None
    status = 429 if limited else 200
    return render(request, "grid/public_tipoff_status.html",
                  {"form": form, "found": found, "limited": limited, "missing": missing}, status=status)
