"""Pages of transmission chains: the chain (hierarchy, timeline, map) with its filters and JSON,
linking a case to its source, clusters, and frozen snapshots."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from fangkong.core.actions import may
from fangkong.core.errors import ActionFailed, call_action
from fangkong.core.scoping import ADD, CHANGE, DELETE, VIEW, user_may
from fangkong.core.views.generic import ModelPages, ObjectActionView, ObjectDetailView, ScopedView

from .. import actions
from ..chain_tables import (
    ChainSnapshotFilterSet,
    ChainSnapshotTable,
    ClusterCasesForm,
    ClusterFilterSet,
    ClusterForm,
    ClusterTable,
    FreezeForm,
    LinkForm,
    TransmissionEdgeFilterSet,
    TransmissionEdgeTable,
)
from ..chains import ChainFilterForm, chain_graph, parse_filters, snapshot_report
from ..models import Case, ChainSnapshot, Cluster, TransmissionEdge


class ChainView(ScopedView, View):
    """传播链: the three views of one filtered chain; the data comes from `chain_data`."""

    model = Case

    def get(self, request: HttpRequest) -> HttpResponse:
        form = ChainFilterForm(request.GET or None, user=request.user)
        if form.is_bound:
            form.is_valid()  # errors shown beside the fields; the JSON answers 400 for the same query
        return render(
            request,
            "tracing/chain.html",
            {
                "form": form,
                "query": request.GET.urlencode(),
                "data_url": reverse("tracing:chain_data"),
                "freeze_form": FreezeForm() if may(request.user, ChainSnapshot, ADD) else None,
            },
        )


class ChainDataView(ScopedView, View):
    """The chain as JSON for the page's charts: scoped like the case list."""

    model = Case

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            filters = parse_filters(request.GET, request.user)
        except ValidationError as exc:
            return JsonResponse({"errors": exc.messages}, status=400)
        return JsonResponse(chain_graph(request.user, **filters), json_dumps_params={"ensure_ascii": False})


class FreezeChainView(ScopedView, View):
    """冻结快照: the chain under the posted filters, kept as it is now."""

    model = ChainSnapshot
    scope_action = ADD
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        form = FreezeForm(request.POST)
        back = reverse("tracing:chain") + "?" + request.POST.get("query", "")
        if not form.is_valid():
            messages.error(request, _("请填写快照名称"))
            return HttpResponseRedirect(back)
        filters = {
            k: request.POST.get(k)
            for k in ("cluster", "date_from", "date_to", "township")
            if request.POST.get(k)
        }
        try:
            snapshot = call_action(
                request,
                actions.do_freeze_chain,
                title=form.cleaned_data["title"],
                filters=filters,
                acting_user=request.user,
                success=_("已冻结传播链快照"),
            )
        except ActionFailed:
            return HttpResponseRedirect(back)
        return HttpResponseRedirect(reverse("tracing:chainsnapshot", args=[snapshot.pk]))


class LinkSourceView(ScopedView, View):
    """关联传染来源 from a case's page: the source by its code, in the user's scope."""

    model = Case
    scope_action = CHANGE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = self.get_object()
        back = reverse("tracing:case", args=[case.pk]) + "#chain"
        form = LinkForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return HttpResponseRedirect(back)
        data = dict(form.cleaned_data)
        code = data.pop("source_code").strip()
        source = Case.objects.restrict(request.user, VIEW).filter(code=code).first()
        if source is None:
            messages.error(request, _("没有找到病例“%(code)s”") % {"code": code})
            return HttpResponseRedirect(back)
        try:
            call_action(
                request,
                actions.do_link_cases,
                case,
                source=source,
                acting_user=request.user,
                success=_("已关联传染来源"),
                **data,
            )
        except ActionFailed:
            pass
        return HttpResponseRedirect(back)


class UnlinkView(ObjectActionView):
    model = TransmissionEdge
    action = actions.do_unlink_cases
    scope_action = DELETE
    success = gettext_lazy("已删除传播关系")

    def back(self, obj: Any) -> str:
        return reverse("tracing:case", args=[obj.target_id]) + "#chain"  # still known after the delete


class ClusterCasesView(ScopedView, View):
    """纳入 (codes) or 移出 (`remove=<case id>`) cases of a cluster."""

    model = Cluster
    scope_action = CHANGE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        cluster = self.get_object()
        cases = Case.objects.restrict(request.user, VIEW)
        remove = request.POST.get("remove")
        if remove and remove.isdigit():
            kwargs = {"remove": list(cases.filter(pk=remove))}
        else:
            form = ClusterCasesForm(request.POST)
            codes = (
                [c for c in re.split(r"[\s,，、]+", request.POST.get("codes", "")) if c]
                if form.is_valid()
                else []
            )
            found = list(cases.filter(code__in=codes))
            missing = sorted(set(codes) - {c.code for c in found})
            if missing or not codes:
                messages.error(
                    request, _("没有找到病例：%(codes)s") % {"codes": "、".join(missing) or _("（未填写）")}
                )
                return HttpResponseRedirect(reverse("tracing:cluster", args=[cluster.pk]))
            kwargs = {"add": found}
        try:
            call_action(
                request,
                actions.do_set_cluster_cases,
                cluster,
                acting_user=request.user,
                success=_("已保存"),
                **kwargs,
            )
        except ActionFailed:
            pass
        return HttpResponseRedirect(reverse("tracing:cluster", args=[cluster.pk]))


class ClusterDetailView(ObjectDetailView):
    template_name = "tracing/cluster_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        cluster = self.get_object()
        cells = list(zip(self.table.headers(), self.table.cells(cluster), strict=True))
        members = cluster.cases.all() & Case.objects.restrict(request.user, VIEW)
        return render(
            request,
            self.template_name,
            {
                "object": cluster,
                "cells": cells,
                "members": members.select_related("division").order_by("onset_on", "id"),
                "cases_form": ClusterCasesForm() if may(request.user, cluster, CHANGE) else None,
                "chain_url": reverse("tracing:chain") + f"?cluster={cluster.pk}",
                **self.links(cluster),
            },
        )


class SnapshotDetailView(ObjectDetailView):
    template_name = "tracing/snapshot_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        snapshot = self.get_object()
        cells = list(zip(self.table.headers(), self.table.cells(snapshot), strict=True))
        return render(
            request,
            self.template_name,
            {
                "object": snapshot,
                "cells": cells,
                "report": snapshot_report(snapshot),
                "graph": snapshot.data,
                **self.links(snapshot),
            },
        )


class TransmissionEdgePages(ModelPages):
    model = TransmissionEdge
    table = TransmissionEdgeTable
    filterset_class = TransmissionEdgeFilterSet


class ClusterPages(ModelPages):
    model = Cluster
    table = ClusterTable
    filterset_class = ClusterFilterSet
    form_class = ClusterForm
    verbs = {"create": "create_cluster", "update": "update_cluster", "delete": "delete_cluster"}

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        out["detail"] = type(
            "ClusterPagesDetail", (ClusterDetailView,), {"model": Cluster, "table": ClusterTable}
        )
        return out


class ChainSnapshotPages(ModelPages):
    model = ChainSnapshot
    table = ChainSnapshotTable
    filterset_class = ChainSnapshotFilterSet

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        out["detail"] = type(
            "ChainSnapshotPagesDetail",
            (SnapshotDetailView,),
            {"model": ChainSnapshot, "table": ChainSnapshotTable},
        )
        return out


def case_chain_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    """The case page's 传播链 section: its sources, whom it infected, suggested sources, the link form."""
    from ..chains import link_candidates

    edges = TransmissionEdge.objects.restrict(request.user, VIEW).select_related("source", "target")
    editable = may(request.user, case, CHANGE)
    return {
        "sources": edges.filter(target=case),
        "infected": edges.filter(source=case),
        "candidates": link_candidates(case, request.user) if editable else [],
        "link_form": LinkForm() if editable else None,
        "may_unlink": user_may(TransmissionEdge, request.user, DELETE),
        "chain_url": reverse("tracing:chain"),
    }
