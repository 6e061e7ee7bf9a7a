"""The transmission chain as data: nodes (cases in scope), edges (both ends in scope), the
generation of each case (代际), its clusters and township, and the counts a report prints.

One builder serves the chain page, its JSON, the API and the frozen snapshot, in a fixed number
of queries whatever the number of cases. The map view's positions come from `township_layout`:
where the townships' shapes lie, when the county has them."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict, deque
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core.choices import LEVEL_PATH_LENGTH, DivisionLevel
from fangkong.core.models import Division
from fangkong.core.scoping import VIEW, in_subtree
from fangkong.core.shapes import area, centroid

from .choices import CaseClass, Certainty, ExposureType
from .models import Case, Cluster, TransmissionEdge

TOWNSHIP_LEN = LEVEL_PATH_LENGTH[DivisionLevel.TOWNSHIP]
DATE = forms.DateInput(attrs={"type": "date"})


class ChainFilterForm(forms.Form):
    """筛选: a cluster, an onset (or sampling) date range and a township, each in the user's scope."""

    cluster = forms.ModelChoiceField(Cluster.objects.none(), required=False, label=gettext_lazy("聚集性疫情"))
    date_from = forms.DateField(required=False, label=gettext_lazy("发病日期起"), widget=DATE)
    date_to = forms.DateField(required=False, label=gettext_lazy("发病日期止"), widget=DATE)
    township = forms.ModelChoiceField(
        Division.objects.none(), required=False, label=gettext_lazy("乡镇（街道）")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = Cluster.objects.restrict(user, VIEW).order_by("code")
        towns = Division.objects.filter(level=DivisionLevel.TOWNSHIP)
        self.fields["township"].queryset = towns.subtree(user.division) if user.division else towns.none()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise ValidationError(_("发病日期起不能晚于发病日期止"))
        return data


def parse_filters(data: Any, user: Any) -> dict[str, Any]:
    """Filters from a query string or a dict (as a snapshot stores them); a bad value → ValidationError."""
    form = ChainFilterForm(data or {}, user=user)
    if not form.is_valid():
        raise ValidationError({("non_field_errors" if k == "__all__" else k): list(v) for k, v in form.errors.items()})
    return dict(form.cleaned_data)


def _cases(
    user: Any,
    cluster: Cluster | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
    township: Division | None,
):
    qs = Case.objects.restrict(user, VIEW).exclude(classification=CaseClass.EXCLUDED)
    qs = qs.annotate(index_on=Coalesce("onset_on", "sampled_on"))
    if cluster is not None:
        qs = qs.filter(clusters=cluster)
    if date_from:
        qs = qs.filter(index_on__gte=date_from)
    if date_to:
        qs = qs.filter(index_on__lte=date_to)
    if township is not None:
        qs = in_subtree(qs, "division", township)
    return qs


def generations(edges: list[tuple[int, int]], nodes: list[int]) -> dict[int, int]:
    """代际: a case without a source is generation 1; otherwise one more than its nearest source
    (breadth-first from every root at once, so a case with several sources takes the minimum)."""
    children: dict[int, list[int]] = defaultdict(list)
    has_source = set()
    for s, t in edges:
        children[s].append(t)
        has_source.add(t)
    gen = {n: 1 for n in nodes if n not in has_source}
    queue = deque(sorted(gen))
    while queue:
        n = queue.popleft()
        for child in children[n]:
            if child not in gen:
                gen[child] = gen[n] + 1
                queue.append(child)
    for n in nodes:  # only on a cycle, which the edges' rules refuse; kept visible all the same
        gen.setdefault(n, 1)
    return gen


def _components(nodes: list[int], edges: list[tuple[int, int]]) -> dict[int, int]:
    parent = {n: n for n in nodes}

    def find(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for s, t in edges:
        parent[find(s)] = find(t)
    roots = sorted({find(n) for n in nodes})
    index = {r: i + 1 for i, r in enumerate(roots)}
    return {n: index[find(n)] for n in nodes}


SPACING = 100.0  # between neighbouring townships' centres: the spiral of cases round each fits


def township_layout(townships: list[dict[str, Any]]) -> dict[str, list[float]]:
    """Map view: a centre per township — where its shape lies on the county map (`Division.shape`,
    north up, scaled so that neighbours lie about `SPACING` apart), or, when a township has no
    shape, all of them on a square grid in code order."""
    centres = {t["path"]: shape_centre(t.get("shape")) for t in townships}
    points = [c for c in centres.values() if c is not None]
    if len(points) == len(townships) > 1:
        k = math.cos(math.radians(sum(lat for _lon, lat in points) / len(points)))  # a degree east is shorter
        xy = {p: (lon * k, -lat) for p, (lon, lat) in centres.items()}  # the screen's y grows downwards
        nearest = sorted(min(math.dist(a, b) for q, b in xy.items() if q != p) for p, a in xy.items())
        typical = nearest[len(nearest) // 2]
        if typical > 0:
            scale = SPACING / typical
            return {p: [round(x * scale, 1), round(y * scale, 1)] for p, (x, y) in xy.items()}
    side = max(1, math.ceil(math.sqrt(len(townships))))
    return {t["path"]: [(i % side) * SPACING, (i // side) * SPACING] for i, t in enumerate(townships)}


def shape_centre(shape: dict[str, Any] | None) -> tuple[float, float] | None:
    """(longitude, latitude) of a GeoJSON Polygon's or MultiPolygon's largest outer ring's centroid."""
    if not shape or shape.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    polygons = [shape["coordinates"]] if shape["type"] == "Polygon" else shape["coordinates"]
    rings = [[(float(x), float(y)) for x, y, *_z in polygon[0]] for polygon in polygons if polygon and polygon[0]]
    if not rings:
        return None
    return centroid(max(rings, key=lambda r: abs(area(r))))


def chain_graph(
    user: Any,
    *,
    cluster: Cluster | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    township: Division | None = None,
) -> dict[str, Any]:
    """Nodes, edges, clusters, townships and counts of the chain the user may see under the filters."""
    rows = list(
        _cases(user, cluster, date_from, date_to, township)
        .order_by("index_on", "id")
        .values("id", "code", "classification", "onset_on", "sampled_on", "index_on", "division__path")
    )
    ids = [r["id"] for r in rows]
    # Generations over every edge in scope: a filter must not make a later case a "first" one.
    all_edges = list(
        TransmissionEdge.objects.restrict(user, VIEW).values_list(
            "source_id", "target_id", "certainty", "exposure"
        )
    )
    gen = generations(
        [(s, t) for s, t, _c, _e in all_edges],
        list({*ids, *(s for s, *_ in all_edges), *(t for _s, t, *_ in all_edges)}),
    )
    shown = set(ids)
    edges = [e for e in all_edges if e[0] in shown and e[1] in shown]
    chain = _components(ids, [(s, t) for s, t, *_ in edges])
    member = defaultdict(list)
    for case_id, cluster_id in (
        Cluster.cases.through.objects.filter(case_id__in=[*ids] or [0])
        .filter(cluster__in=Cluster.objects.restrict(user, VIEW))
        .values_list("case_id", "cluster_id")
    ):
        member[case_id].append(cluster_id)
    clusters = list(
        Cluster.objects.restrict(user, VIEW)
        .filter(pk__in={c for cs in member.values() for c in cs} or [0])
        .order_by("code")
        .values("id", "code", "name")
    )
    paths = sorted({r["division__path"][:TOWNSHIP_LEN] for r in rows})
    towns = list(Division.objects.filter(path__in=paths).order_by("path").values("path", "name", "shape"))
    town_name = {t["path"]: t["name"] for t in towns}
    labels = dict(CaseClass.choices)
    url = reverse("tracing:case", args=[0])[:-2]
    nodes = [
        {
            "id": r["id"],
            "code": r["code"],
            "cls": r["classification"],
            "cls_label": str(labels[r["classification"]]),
            "onset": r["index_on"].isoformat() if r["index_on"] else None,
            "by_onset": r["onset_on"] is not None,
            "township": r["division__path"][:TOWNSHIP_LEN],
            "township_name": town_name.get(r["division__path"][:TOWNSHIP_LEN], ""),
            "gen": gen.get(r["id"], 1),
            "chain": chain[r["id"]],
            "clusters": sorted(member.get(r["id"], [])),
            "url": f"{url}{r['id']}/",
        }
        for r in rows
    ]
    certainty, exposure = dict(Certainty.choices), dict(ExposureType.choices)
    edge_rows = [
        {
            "source": s,
            "target": t,
            "certainty": c,
            "certainty_label": str(certainty[c]),
            "exposure": e,
            "exposure_label": str(exposure[e]),
        }
        for s, t, c, e in edges
    ]
    counts = {
        "nodes": len(nodes),
        "edges": len(edge_rows),
        "chains": len(set(chain.values())),
        "generations": dict(sorted(Counter(n["gen"] for n in nodes).items())),
        "max_generation": max((n["gen"] for n in nodes), default=0),
        "by_class": dict(Counter(n["cls_label"] for n in nodes)),
        "by_township": {town_name.get(p, p): c for p, c in Counter(n["township"] for n in nodes).items()},
        "by_exposure": dict(Counter(e["exposure_label"] for e in edge_rows)),
    }
    counts["generations"] = {str(k): v for k, v in counts["generations"].items()}
    return {
        "nodes": nodes,
        "edges": edge_rows,
        "clusters": clusters,
        "counts": counts,
        "townships": [{"path": t["path"], "name": t["name"], "xy": xy}
                      for t, xy in zip(towns, township_layout(towns).values(), strict=True)],
    }


def snapshot_report(snapshot: Any) -> dict[str, Any]:
    """What a report prints of a frozen chain: its title, when and by whom, the filters, nodes, edges and counts."""
    data = snapshot.data or {}
    return {
        "title": snapshot.title,
        "frozen_at": snapshot.created_at,
        "frozen_by": str(snapshot.created_by or ""),
        "filters": snapshot.filters,
        "nodes": data.get("nodes", []),
        "edges": data.get("edges", []),
        "counts": data.get("counts", {}),
    }


def link_candidates(case: Case, user: Any) -> list[dict[str, Any]]:
    """传染来源建议: the cases whose contact list names this case's person (a contact who turned
    positive), not yet linked to it."""
    if not case.id_number and not case.phone:
        return []
    who = Q(id_number=case.id_number) if case.id_number else Q(phone=case.phone)
    from .models import Contact

    linked = set(case.infected_by.values_list("source_id", flat=True))
    found = (
        Contact.objects.restrict(user, VIEW)
        .filter(who, case__in=Case.objects.restrict(user, VIEW))
        .exclude(case=case)
        .select_related("case")
    )
    return [
        {"case": c.case, "contact": c} for c in found.order_by("last_exposure_at") if c.case_id not in linked
    ]


def turned_case(contact: Any, user: Any) -> dict[str, Any] | None:
    """A contact who turned positive: the case opened for the same person (in scope), and whether it
    is already linked to the contact's case — offered as "关联传染来源" on the contact's page."""
    if not contact.case_id or not contact.id_number:
        return None
    case = (Case.objects.restrict(user, VIEW).filter(id_number=contact.id_number).exclude(pk=contact.case_id)
            .order_by("reported_at").first())
    if case is None:
        return None
    linked = TransmissionEdge.objects.filter(source_id=contact.case_id, target=case).exists()
    return {"case": case, "linked": linked}
