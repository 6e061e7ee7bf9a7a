from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.views.generic import ListView, TemplateView

from fangkong.core.models import Division

from .models import Resident
from .search import search_residents


class ResidentSearchView(LoginRequiredMixin, ListView):
    template_name = "registry/search.html"
    paginate_by = 50

    def get_queryset(self):
        qs = Resident.objects.restrict(self.request.user).select_related("grid")
        return search_residents(qs, self.request.GET.get("q", ""))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["q"] = self.request.GET.get("q", "")
        return ctx


class DivisionBrowserView(LoginRequiredMixin, TemplateView):
    """A division's children with their resident and household counts, inside the user's scope."""

    template_name = "registry/divisions.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        root = user.division
        current = root
        if root is not None and self.request.GET.get("division"):
            current = get_object_or_404(Division.objects.subtree(root), pk=self.request.GET["division"])
        children = []
        if current is not None:
            residents = Resident.objects.restrict(user).filter(grid__path__startswith=current.path)
            depth = len(current.path)
            kids = list(current.children.all()) if current.level != "grid" else []
            counts: dict[str, int] = {}
            for kid in kids:
                counts[kid.path] = 0
            if kids:
                klen = len(kids[0].path)
                from django.db.models.functions import Substr

                for row in (
                    residents.annotate(prefix=Substr("grid__path", 1, klen)).values("prefix").annotate(n=Count("id"))
                ):
                    counts[row["prefix"]] = row["n"]
            children = [(k, counts.get(k.path, 0)) for k in kids]
            ctx["total"] = residents.count()
            ctx["depth"] = depth
        ctx.update(current=current, children=children, ancestors=current.ancestors() if current else [])
        return ctx


class ImportView(LoginRequiredMixin, TemplateView):
    template_name = "registry/import.html"
