"""排摸覆盖: households and people of a sweep by township / village / grid, from one grouped count
of the visits (the actions keep `answered` and `found` on each visit)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext

from fangkong.core.choices import LEVEL_PATH_LENGTH, DivisionLevel
from fangkong.core.models import Division

from .choices import VisitStatus
from .models import Visit

# The figures of one row, in the order of the page and the export (names of metrics in
# fangkong.metrics.catalog: "sweep.<name>").
HOUSEHOLD_FIGURES = ("households", "visited", "not_home", "unmet", "refused", "unvisited")
PEOPLE_FIGURES = ("people", "people_visited", "people_unmet", "people_refused", "found")
# The visit list's filter that each clickable figure opens.
FIGURE_STATUS = {"visited": VisitStatus.VISITED, "not_home": VisitStatus.NOT_HOME, "unmet": VisitStatus.UNMET,
                 "refused": VisitStatus.REFUSED, "people_visited": VisitStatus.VISITED,
                 "people_unmet": VisitStatus.UNMET, "people_refused": VisitStatus.REFUSED}
# Figures that open another list than the households of one status.
UNVISITED_FIGURE, FOUND_FIGURE = "unvisited", "found"


@dataclass
class CoverageRow:
    division: Division
    figures: dict[str, int] = field(default_factory=lambda: dict.fromkeys(HOUSEHOLD_FIGURES + PEOPLE_FIGURES, 0))

    @property
    def rate(self) -> float:
        """Share of households done (visited, refused or 未遇 after the limit of tries)."""
        h = self.figures["households"]
        return 0.0 if not h else (h - self.figures["unvisited"]) / h

    def __getitem__(self, key: str) -> int:
        return self.figures[key]


def grid_counts(visits: QuerySet[Visit]) -> dict[int, dict[str, int]]:
    """Per grid id: the figures of its visits (one GROUP BY grid, status)."""
    out: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(HOUSEHOLD_FIGURES + PEOPLE_FIGURES, 0))
    rows = (visits.order_by().values("grid_id", "status")
            .annotate(n=Count("id"), m=Sum("members"), a=Sum("answered"), f=Sum("found")))
    for r in rows:
        f = out[r["grid_id"]]
        n, m, a, found = r["n"], r["m"] or 0, r["a"] or 0, r["f"] or 0
        f["households"] += n
        f["people"] += m
        f["found"] += found
        status = r["status"]
        if status == VisitStatus.VISITED:
            f["visited"] += n
            f["people_visited"] += a
        elif status == VisitStatus.UNMET:
            f["unmet"] += n
            f["people_unmet"] += m
        elif status == VisitStatus.REFUSED:
            f["refused"] += n
            f["people_refused"] += m
        else:
            f["unvisited"] += n
            if status == VisitStatus.NOT_HOME:
                f["not_home"] += n
    return out


def coverage(visits: QuerySet[Visit], level: str = DivisionLevel.GRID) -> tuple[list[CoverageRow], CoverageRow]:
    """Rows at `level` (township / village / grid) for the visits given (already restricted to the
    viewer), sorted by division code, and the total."""
    per_grid = grid_counts(visits)
    grids = dict(Division.objects.filter(pk__in=list(per_grid)).values_list("pk", "path"))
    length = LEVEL_PATH_LENGTH[level]
    by_path: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(HOUSEHOLD_FIGURES + PEOPLE_FIGURES, 0))
    total = dict.fromkeys(HOUSEHOLD_FIGURES + PEOPLE_FIGURES, 0)
    for grid_id, figures in per_grid.items():
        target = by_path[grids[grid_id][:length]]
        for k, v in figures.items():
            target[k] += v
            total[k] += v
    divisions = {d.path: d for d in Division.objects.filter(path__in=list(by_path), level=level)}
    rows = [CoverageRow(divisions[p], by_path[p]) for p in sorted(by_path) if p in divisions]
    return rows, CoverageRow(Division(name=gettext("合计"), path=""), total)


def as_table(rows: list[CoverageRow]) -> list[list[Any]]:
    return [[r.division.name, *[r[k] for k in HOUSEHOLD_FIGURES + PEOPLE_FIGURES], f"{r.rate:.1%}"] for r in rows]
