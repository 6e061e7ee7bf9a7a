from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from fangkong.core.imports import ReadError, error_sheet
from fangkong.core.views.generic import ObjectListView

from .. import areas as A
from ..choices import RiskLevel
from ..exports import XLSX
from ..filtersets import RiskAreaFilterSet
from ..forms import AreaImportForm, AreaQueryForm
from ..models import RiskArea
from ..models.areas import NAME_FIELDS
from ..roles import POLICY_EDITORS
from ..rules import origin_level_on
from ..tables import RiskAreaTable
from .base import ControlMixin

SESSION_KEY = "control.area_import"
ERRORS_KEY = "control.area_import_errors"


class RiskAreaListView(ControlMixin, ObjectListView):
    """风险区: the periods in force today (or all history, `history=1`), and "was this place risky
    on day X?" (RiskAreaFilterSet shared with the API; `?export=xlsx` through RiskAreaTable)."""

    model = RiskArea
    table = RiskAreaTable
    filterset_class = RiskAreaFilterSet
    template_name = "control/area_list.html"
    paginate_by = 100

    def filter_data(self):
        data = self.request.GET.copy()
        data.pop("on", None)  # the question's day below, not the list's
        if data.get("history") != "1":
            data["on"] = timezone.localdate().isoformat()
        return data

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = AreaQueryForm(self.request.GET if "place" in self.request.GET else None)
        if form.is_bound and form.is_valid():
            parts = form.cleaned_data["place"].split()
            names = dict(zip(NAME_FIELDS, parts, strict=False))
            level = origin_level_on(names, form.cleaned_data["on"])
            ctx["answer"] = {"place": "".join(parts), "on": form.cleaned_data["on"],
                             "level": dict(RiskLevel.choices).get(level, "非风险区")}
        ctx.update(query_form=form, levels=RiskLevel.choices, may_edit=bool(self.request.user.role_names & POLICY_EDITORS))
        return ctx


def _row_json(r: A.AreaRow) -> list:
    return [r.row, list(r.names), r.level, r.effective_from.isoformat(), r.lifted_on.isoformat() if r.lifted_on else None,
            r.code]


def _row_from(j: list) -> A.AreaRow:
    return A.AreaRow(j[0], tuple(j[1]), j[2], dt.date.fromisoformat(j[3]), dt.date.fromisoformat(j[4]) if j[4] else None,
                     j[5])


class RiskAreaImportView(ControlMixin, View):
    """Upload or paste a list → preview of what changes → confirm. Nothing is written before."""

    allowed_roles = POLICY_EDITORS
    template_name = "control/area_import.html"

    def get(self, request):
        return render(request, self.template_name, {"form": AreaImportForm()})

    def post(self, request):
        if request.POST.get("confirm") == "1":
            return self._apply(request)
        form = AreaImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        d = form.cleaned_data
        try:
            if d["file"]:
                rows, errors = A.read_file(d["file"].read(), d["file"].name)
            else:
                rows, errors = A.read_text(d["text"])
        except ReadError as exc:
            form.add_error(None, str(exc))
            return render(request, self.template_name, {"form": form})
        plan = A.plan_changes(rows, full_list_on=d["full_list_on"])
        plan.errors = errors
        request.session[ERRORS_KEY] = errors
        request.session[SESSION_KEY] = {"rows": [_row_json(r) for r in rows], "source": d["source"] or
                                        (d["file"].name if d["file"] else "粘贴名单"),
                                        "full_list_on": d["full_list_on"].isoformat() if d["full_list_on"] else None}
        return render(request, self.template_name, {"form": form, "plan": plan, "preview": True})

    def _apply(self, request):
        saved = request.session.pop(SESSION_KEY, None)
        if not saved:
            messages.error(request, "预览已失效,请重新上传")
            return redirect("control:area_import")
        full = dt.date.fromisoformat(saved["full_list_on"]) if saved["full_list_on"] else None
        # Planned again at confirmation: the history may have changed since the preview.
        plan = A.plan_changes([_row_from(j) for j in saved["rows"]], full_list_on=full)
        try:
            n = A.do_apply_risk_areas(plan, source=saved["source"], full_list_on=full, acting_user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, str(exc))
            return redirect("control:area_import")
        messages.success(request, f"风险区名单已更新:{n}处变化,{len(plan.unchanged)}处未变")
        return redirect("control:areas")


class RiskAreaErrorsView(ControlMixin, View):
    """The bad rows of the last previewed list as xlsx with a 错误原因 column."""

    allowed_roles = POLICY_EDITORS

    def get(self, request):
        errors = request.session.get(ERRORS_KEY) or []
        resp = HttpResponse(error_sheet(errors, A.COLUMNS), content_type=XLSX)
        resp["Content-Disposition"] = "attachment; filename*=UTF-8''%E9%94%99%E8%AF%AF%E8%A1%8C.xlsx"
        return resp
