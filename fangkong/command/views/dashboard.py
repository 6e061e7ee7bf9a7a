"""指挥大屏: the command hall's dashboard — the county map coloured by a chosen measure, the four
rates, the daily trends and today's alerts — and its two JSON answers (the division shapes, and
one measure's value per division). Every figure is a metric of `fangkong.metrics.dashboard`.

A township cadre sees their own township only: shapes and values come from the user's division
subtree, so the map is clipped to it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from fangkong.core.choices import DivisionLevel
from fangkong.core.models import Division
from fangkong.core.scoping import VIEW, user_may
from fangkong.core.shapes import shapes_version
from fangkong.metrics import catalog
from fangkong.metrics.dashboard import MEASURES, four_rates, latest_round, overdue_items, trends

from ..roles import DASHBOARD_ROLES
from .briefing import may_brief

WEEKS = (4, 6, 8)
LEVELS = (DivisionLevel.TOWNSHIP.value, DivisionLevel.VILLAGE.value)
SHAPES_SECONDS = 600  # shapes change only by the division_shapes command


def may_see_dashboard(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.division_id and user.role_names & DASHBOARD_ROLES
    )


class DashboardMixin(LoginRequiredMixin):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not may_see_dashboard(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _weeks(request: HttpRequest) -> int:
    try:
        weeks = int(request.GET.get("weeks", WEEKS[0]))
    except ValueError:
        return WEEKS[0]
    return weeks if weeks in WEEKS else WEEKS[0]


def _divisions(request: HttpRequest) -> tuple[str, list[Division]]:
    """The divisions a map request asks for: the townships in the user's scope, or (`parent`) the
    villages of one township in it; a division outside the scope answers 404."""
    top = request.user.division
    level = request.GET.get("level") or DivisionLevel.TOWNSHIP.value
    if level not in LEVELS:
        level = DivisionLevel.TOWNSHIP.value
    qs = Division.objects.subtree(top).filter(level=level)
    if request.GET.get("parent"):
        if not request.GET["parent"].isdigit():
            raise Http404
        parent = get_object_or_404(Division.objects.subtree(top), pk=request.GET["parent"])
        qs = Division.objects.subtree(parent).filter(level=level)  # inside the user's: looked up there
    if top.level == DivisionLevel.VILLAGE:  # a village's cadre: their village, as the map's one shape
        level, qs = DivisionLevel.VILLAGE.value, Division.objects.filter(pk=top.pk)
    return level, list(qs.order_by("path"))


class DashboardView(DashboardMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        weeks = _weeks(request)
        start = today - dt.timedelta(days=7 * weeks - 1)
        rates = [
            (catalog.get(r.metric), r, user_may(r.model, request.user, VIEW))
            for r in four_rates(request.user, start, today)
        ]
        measures = [(key, catalog.get(m.metric)) for key, m in MEASURES.items()]
        trend = trends(request.user, start, today)
        trend_labels = {name: str(catalog.get(name).label) for name in trend["series"]}
        trend_defs = [catalog.get(name) for name in trend["series"]]
        return render(
            request,
            "command/dashboard.html",
            {
                "screen": request.GET.get("screen") == "1",
                "weeks": weeks,
                "week_choices": WEEKS,
                "start": start,
                "today": today,
                "rates": rates,
                "measures": measures,
                "measure": request.GET.get("measure") if request.GET.get("measure") in MEASURES else "leads",
                "trend": {**trend, "labels": trend_labels},
                "trend_defs": trend_defs,
                "items": overdue_items(request.user, today),
                "top": request.user.division,
                "may_brief": may_brief(request.user),
            },
        )


class ShapesView(DashboardMixin, View):
    """The GeoJSON of the divisions asked for (the user's scope), cached per request shape."""

    def get(self, request: HttpRequest) -> HttpResponse:
        key = ":".join(["command:shapes", str(shapes_version()), request.user.division.path,
                        request.GET.get("level", ""), request.GET.get("parent", "")])
        data = cache.get(key)
        if data is None:
            level, divisions = _divisions(request)
            data = {
                "type": "FeatureCollection",
                "level": level,
                "features": [
                    {
                        "type": "Feature",
                        "geometry": d.shape,
                        "properties": {"name": d.name, "code": d.code, "id": d.pk},
                    }
                    for d in divisions
                    if d.shape
                ],
            }
            cache.set(key, data, SHAPES_SECONDS)
        response = JsonResponse(data)
        response["Cache-Control"] = f"private, max-age={SHAPES_SECONDS}"
        return response


class MeasureDataView(DashboardMixin, View):
    """One measure's value per division of the map, each with the list its number opens."""

    def get(self, request: HttpRequest) -> HttpResponse:
        measure = MEASURES.get(request.GET.get("measure", ""))
        if measure is None:
            return JsonResponse({"error": _("未知的指标")}, status=400)
        today = timezone.localdate()
        level, divisions = _divisions(request)
        values = measure.values(request.user, level, today)
        rnd = latest_round(request.user) if measure.key == "coverage" else None
        metric = catalog.get(measure.metric)
        may = user_may(measure.model, request.user, VIEW)
        items = [
            {
                "name": d.name,
                "code": d.code,
                "id": d.pk,
                "value": values.get(d.path, 0),
                "url": measure.url(d, today, rnd) if may else "",
            }
            for d in divisions
        ]
        return JsonResponse(
            {
                "measure": measure.key,
                "level": level,
                "label": str(metric.label),
                "unit": str(metric.unit),
                "definition": str(metric.definition),
                "percent": measure.percent,
                "items": items,
                "max": max([i["value"] for i in items] or [0]),
            }
        )
