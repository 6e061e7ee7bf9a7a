"""Co-presence pages: record batches (import), runs with their matches, a new run."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from fangkong.analytics import engine
from fangkong.analytics.runs import AnalyticsFailed
from fangkong.core.actions import may
from fangkong.core.errors import ActionFailed, call_action
from fangkong.core.identity import InvalidValue
from fangkong.core.imports import ACCEPTED_SUFFIXES, ImportFileField, UploadForm
from fangkong.core.imports.views import UploadImportView
from fangkong.core.models import Batch
from fangkong.core.scoping import ADD, VIEW
from fangkong.core.views.generic import ModelPages

from .copresence import clean_phones, defaults, run_copresence
from .copresence_choices import LOCATION_BATCH_KIND, SCAN_BATCH_KIND
from .copresence_tables import (
    CoPresenceMatchFilterSet,
    CoPresenceMatchTable,
    CoPresenceRunFilterSet,
    CoPresenceRunTable,
)
from .models import CoPresenceMatch, CoPresenceRun

DATE = forms.DateInput(attrs={"type": "date"})
KINDS = {SCAN_BATCH_KIND: _("场所码扫码记录"), LOCATION_BATCH_KIND: _("位置记录")}


def may_run(user: Any) -> bool:
    return may(user, CoPresenceRun, ADD)


def may_view(user: Any) -> bool:
    return may(user, CoPresenceRun, VIEW)


class _Guarded(LoginRequiredMixin, View):
    check = staticmethod(may_run)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not self.check(request.user):
            raise PermissionDenied(_("您没有时空伴随研判的权限"))
        return super().dispatch(request, *args, **kwargs)


class RecordImportForm(UploadForm):
    kind = forms.ChoiceField(label=_("记录类型"), choices=list(KINDS.items()))
    file = ImportFileField(label=_("文件（xlsx、csv或parquet）"))
    accepted_suffixes = (*ACCEPTED_SUFFIXES, ".parquet")


class RecordImportView(UploadImportView):
    """Upload venue scans or location records: imported at once (or by the worker when large)."""

    template_name = "tracing/copresence_import.html"
    form_class = RecordImportForm
    permission_denied = _("您没有时空伴随研判的权限")
    permitted = staticmethod(may_run)

    def batch_kind_of(self, form: forms.Form) -> str:
        return form.cleaned_data["kind"]


class RecordBatchListView(_Guarded):
    """The import batches of records in the user's scope (counts only: no personal values)."""

    check = staticmethod(may_view)

    def get(self, request: HttpRequest) -> HttpResponse:
        batches = Batch.objects.restrict(request.user).filter(kind__in=list(KINDS)).order_by("-created_at")[:200]
        return render(request, "tracing/copresence_batches.html", {"batches": batches, "kinds": KINDS,
                                                                    "may_import": may_run(request.user)})


class RunForm(forms.Form):
    phones = forms.CharField(label=_("指示病例手机号"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("多个号码用逗号或换行分隔"))
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期（含）"), widget=DATE)
    min_overlap = forms.IntegerField(label=_("同一网格最短重叠（分钟）"), min_value=0, max_value=1440)
    scan_window = forms.IntegerField(label=_("同一场所码前后（分钟，含）"), min_value=0, max_value=1440)
    engine = forms.ChoiceField(label=_("计算引擎"), choices=[(k, k) for k in engine.ENGINES])

    def clean_phones(self) -> list[str]:
        try:
            return clean_phones(self.cleaned_data["phones"].replace("\n", ","))
        except InvalidValue as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self) -> dict:
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("结束日期早于开始日期"))
        return data


class RunNewView(_Guarded):
    template_name = "tracing/copresence_new.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        overlap, window = defaults()
        form = RunForm(initial={"min_overlap": overlap, "scan_window": window, "engine": engine.configured()})
        return render(request, self.template_name, {"form": form})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = RunForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        d = form.cleaned_data
        try:
            run = call_action(request, run_copresence, acting_user=request.user, phones=d["phones"],
                              starts_on=d["starts_on"], ends_on=d["ends_on"], min_overlap=d["min_overlap"],
                              scan_window=d["scan_window"], kind=d["engine"], form=form)
        except ActionFailed:
            return render(request, self.template_name, {"form": form})
        except AnalyticsFailed as exc:
            form.add_error(None, exc.reason)
            return render(request, self.template_name, {"form": form})
        return redirect("tracing:copresencerun", pk=run.pk)


class RunDetailView(_Guarded):
    """A run: its rule, figures and every match with its explanation."""

    check = staticmethod(may_view)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = get_object_or_404(CoPresenceRun.objects.restrict(request.user), pk=pk)
        matches = run.matches.order_by("phone", "at")[:1000]
        return render(request, "tracing/copresence_run.html", {"run": run, "matches": matches})


class CoPresenceRunPages(ModelPages):
    model = CoPresenceRun
    table = CoPresenceRunTable
    filterset_class = CoPresenceRunFilterSet

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        out["detail"] = RunDetailView
        return out


class CoPresenceMatchPages(ModelPages):
    model = CoPresenceMatch
    table = CoPresenceMatchTable
    filterset_class = CoPresenceMatchFilterSet
