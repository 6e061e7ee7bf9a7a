"""The command centre's pages: sweeps, starting one, its coverage, what changed since the last one."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from fangkong.core.actions import may
from fangkong.core.choices import DivisionLevel
from fangkong.core.errors import ActionFailed, call_action
from fangkong.core.exports import export_rows
from fangkong.core.scoping import ADD, CHANGE, VIEW
from fangkong.core.views.generic import ObjectDetailView, ObjectListView, ScopedView
from fangkong.metrics.catalog import get as metric

from .. import actions
from ..choices import CoverageLevel, SweepStatus
from ..coverage import FIGURE_STATUS, HOUSEHOLD_FIGURES, PEOPLE_FIGURES, as_table, coverage
from ..diff import sweep_diff
from ..filtersets import QuestionnaireFilterSet, SweepFilterSet
from ..forms import SweepStartForm
from ..models import MemberAnswer, Questionnaire, Sweep, Visit
from ..tables import QuestionnaireTable, SweepTable


class SweepListView(ObjectListView):
    model, table, filterset_class = Sweep, SweepTable, SweepFilterSet


class SweepDetailView(ObjectDetailView):
    """One sweep: its settings, its county-wide totals (scoped) and the ways into its lists."""

    model, table = Sweep, SweepTable
    template_name = "grid/sweep_detail.html"

    def get(self, request, pk: int):
        sweep = self.get_object()
        _rows, total = coverage(Visit.objects.restrict(request.user).filter(sweep=sweep), DivisionLevel.TOWNSHIP)
        return render(request, self.template_name, {
            "object": sweep, "sweep": sweep, "total": total, "areas": sweep.areas.order_by("path"),
            "may_close": sweep.status == SweepStatus.OPEN and may(request.user, sweep, CHANGE), **self.links(sweep)})


class SweepStartView(ScopedView, View):
    """发起排摸: the command centre over the county, a township cadre within their township."""

    model = Sweep
    scope_action = ADD
    template_name = "grid/sweep_start.html"

    def get(self, request):
        return render(request, self.template_name, {"form": SweepStartForm(user=request.user)})

    def post(self, request):
        form = SweepStartForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                sweep = call_action(request, actions.do_start_sweep, acting_user=request.user, form=form,
                                    name=data["name"], areas=list(data["areas"]), due_at=data["due_at"],
                                    questionnaire=data["questionnaire"], max_attempts=data["max_attempts"],
                                    previous=data["previous"], success=_("已发起排摸"))
            except ActionFailed:
                pass
            else:
                return HttpResponseRedirect(reverse("grid:sweep", args=[sweep.pk]))
        return render(request, self.template_name, {"form": form})


class SweepCloseView(ScopedView, View):
    model = Sweep
    scope_action = CHANGE
    http_method_names = ["post"]

    def post(self, request, pk: int):
        sweep = self.get_object()
        try:
            call_action(request, actions.do_close_sweep, sweep, acting_user=request.user, success=_("已结束排摸"))
        except ActionFailed:
            pass
        return HttpResponseRedirect(reverse("grid:sweep", args=[sweep.pk]))


def _level(request) -> str:
    level = request.GET.get("level", CoverageLevel.TOWNSHIP)
    return level if level in CoverageLevel.values else CoverageLevel.TOWNSHIP


class CoverageView(ScopedView, View):
    """排摸覆盖 by township / village / grid; each number opens its list of households."""

    model = Sweep
    scope_action = VIEW

    def get(self, request, pk: int):
        sweep = self.get_object()
        level = _level(request)
        rows, total = coverage(Visit.objects.restrict(request.user).filter(sweep=sweep), level)
        figures = HOUSEHOLD_FIGURES + PEOPLE_FIGURES
        metrics = [metric(f"sweep.{f}") for f in figures]
        if request.GET.get("export") in ("xlsx", "csv"):
            header = [CoverageLevel(level).label, *[str(m.label) for m in metrics], _("完成率")]
            return export_rows(request, name=_("排摸覆盖"), object_type="grid.visit", header=header,
                               rows=lambda full: as_table([*rows, total]), has_pii=False,
                               fmt=request.GET["export"])
        return render(request, "grid/coverage.html", {
            "sweep": sweep, "rows": rows, "total": total, "level": level, "levels": CoverageLevel.choices,
            "figures": list(zip(figures, metrics, strict=True)), "statuses": FIGURE_STATUS,
            "household_count": len(HOUSEHOLD_FIGURES)})


class SweepDiffView(ScopedView, View):
    """与上一轮比较: per person, the answers that changed since the previous sweep."""

    model = Sweep
    scope_action = VIEW

    def get(self, request, pk: int):
        sweep = self.get_object()
        answers = MemberAnswer.objects.restrict(request.user)
        previous = sweep.previous if sweep.previous and sweep.previous.is_in_scope(request.user) else None
        diffs = sweep_diff(sweep, answers, previous) if previous else []
        if request.GET.get("export") in ("xlsx", "csv"):
            header = [_("姓名"), _("住址"), _("类别"), _("变化")]
            return export_rows(request, name=_("两轮排摸比较"), object_type="grid.memberanswer", header=header,
                               rows=lambda full: ([d.name, d.address, d.kind.label,
                                                   "；".join(f"{q}：{a}→{b}" for q, a, b in d.changes)]
                                                  for d in diffs), fmt=request.GET["export"])
        return render(request, "grid/diff.html", {"sweep": sweep, "previous": previous, "diffs": diffs})


class QuestionnaireListView(ObjectListView):
    model, table, filterset_class = Questionnaire, QuestionnaireTable, QuestionnaireFilterSet


class QuestionnaireDetailView(ScopedView, View):
    """One version's questions (reference data: every grid role may read it)."""

    model = Questionnaire
    template_name = "grid/questionnaire_detail.html"

    def get(self, request, pk: int):
        q = self.get_object()
        return render(request, self.template_name, {"object": q, **self.links(q)})
