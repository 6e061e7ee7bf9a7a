"""区划边界: the GeoJSON shapes of townships and villages for the command map.

The synthetic county's shapes are generated, deterministically from its code: a convex county
outline cut into one Voronoi cell per township, each township cut again into one cell per
village. A Voronoi cell is the outline clipped by half-planes (Sutherland–Hodgman), so the cells
of one level never overlap and together cover their parent; no GIS library is needed. A real
county imports its shapes from a GeoJSON file (`import_shapes`), matched by code or by name.
Nothing is ever downloaded: the map is drawn from what the database holds.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from . import audit
from .choices import AuditAction, DivisionLevel
from .models import Division

Point = tuple[float, float]
# Where the synthetic county lies (坝上, northern Hebei) and how wide it is, in degrees.
CENTRE: Point = (114.6, 41.6)
RADIUS = 0.32
DIGITS = 5  # about a metre: enough for a county map, small enough to serve at once
VERSION_KEY = "division-shapes:version"  # part of the key of every cached copy of the shapes


def shapes_version() -> int:
    return cache.get_or_set(VERSION_KEY, 1, None)


def _changed() -> None:
    """Shapes were written: cached copies (the command map's) are stale from the commit on."""
    transaction.on_commit(lambda: cache.set(VERSION_KEY, shapes_version() + 1, None))


def _clip(poly: list[Point], a: Point, b: Point) -> list[Point]:
    """The part of `poly` nearer to `a` than to `b` (the half-plane of their bisector)."""
    nx, ny = b[0] - a[0], b[1] - a[1]
    c = (b[0] ** 2 + b[1] ** 2 - a[0] ** 2 - a[1] ** 2) / 2  # inside: nx*x + ny*y <= c

    def side(p: Point) -> float:
        return nx * p[0] + ny * p[1] - c

    out: list[Point] = []
    for i, p in enumerate(poly):
        q = poly[(i + 1) % len(poly)]
        sp, sq = side(p), side(q)
        if sp <= 0:
            out.append(p)
        if (sp < 0 < sq) or (sq < 0 < sp):
            t = sp / (sp - sq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def voronoi_cells(outline: list[Point], seeds: list[Point]) -> list[list[Point]]:
    """One cell per seed: the points of the convex `outline` nearest to that seed."""
    cells = []
    for i, a in enumerate(seeds):
        cell = outline
        for j, b in enumerate(seeds):
            if i != j and cell:
                cell = _clip(cell, a, b)
        cells.append(cell)
    return cells


def area(poly: list[Point]) -> float:
    """Signed area (positive counter-clockwise), the shoelace formula."""
    return sum(p[0] * q[1] - q[0] * p[1] for p, q in zip(poly, poly[1:] + poly[:1], strict=True)) / 2


def centroid(poly: list[Point]) -> Point:
    a = area(poly)
    if abs(a) < 1e-15:
        return (sum(p[0] for p in poly) / len(poly), sum(p[1] for p in poly) / len(poly))
    cx = cy = 0.0
    for p, q in zip(poly, poly[1:] + poly[:1], strict=True):
        cross = p[0] * q[1] - q[0] * p[1]
        cx, cy = cx + (p[0] + q[0]) * cross, cy + (p[1] + q[1]) * cross
    return (cx / (6 * a), cy / (6 * a))


def inside(poly: list[Point], p: Point) -> bool:
    """Is `p` inside the convex counter-clockwise `poly`?"""
    return all(
        (q[0] - o[0]) * (p[1] - o[1]) - (q[1] - o[1]) * (p[0] - o[0]) >= 0
        for o, q in zip(poly, poly[1:] + poly[:1], strict=True)
    )


def bbox(poly: Iterable[Point]) -> tuple[float, float, float, float]:
    xs, ys = zip(*poly, strict=True)
    return (min(xs), min(ys), max(xs), max(ys))


def county_outline(rng: random.Random, sides: int = 18) -> list[Point]:
    """A convex, slightly irregular outline around CENTRE (counter-clockwise)."""
    pts = []
    for k in range(sides):
        angle = 2 * math.pi * k / sides
        r = RADIUS * rng.uniform(0.88, 1.0)
        pts.append((CENTRE[0] + r * 1.3 * math.cos(angle), CENTRE[1] + r * math.sin(angle)))
    return pts


def split(poly: list[Point], n: int, rng: random.Random, relax: int = 3) -> list[list[Point]]:
    """Cut the convex `poly` into `n` convex cells of roughly equal area: random seeds inside it,
    moved a few times to their cell's centroid (Lloyd), then their Voronoi cells."""
    x0, y0, x1, y1 = bbox(poly)
    seeds: list[Point] = []
    while len(seeds) < n:
        p = (rng.uniform(x0, x1), rng.uniform(y0, y1))
        if inside(poly, p):
            seeds.append(p)
    for _round in range(relax):
        seeds = [
            centroid(c) if len(c) >= 3 else s for c, s in zip(voronoi_cells(poly, seeds), seeds, strict=True)
        ]
    return voronoi_cells(poly, seeds)


def geometry(poly: list[Point]) -> dict:
    """A GeoJSON Polygon of a cell: one closed counter-clockwise ring, rounded."""
    ring = [[round(x, DIGITS), round(y, DIGITS)] for x, y in poly]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def generate_shapes(county: Division) -> int:
    """Give the county, its townships and their villages generated shapes (replacing any);
    deterministic per county code. Returns the number of divisions shaped."""
    rng = random.Random(f"shapes:{county.code}")
    outline = county_outline(rng)
    county.shape = geometry(outline)
    changed = [county]
    townships = list(county.children.filter(level=DivisionLevel.TOWNSHIP).order_by("path"))
    villages: dict[int, list[Division]] = {}
    for v in Division.objects.filter(parent__in=townships, level=DivisionLevel.VILLAGE).order_by("path"):
        villages.setdefault(v.parent_id, []).append(v)
    for township, cell in zip(townships, split(outline, len(townships), rng), strict=True):
        township.shape = geometry(cell)
        changed.append(township)
        kids = villages.get(township.pk, [])
        for village, sub in zip(kids, split(cell, len(kids), rng) if kids else [], strict=True):
            village.shape = geometry(sub)
            changed.append(village)
    Division.objects.bulk_update(changed, ["shape"], batch_size=500)
    return len(changed)


def generate_all(*, verb: str = "division_shapes") -> int:
    """Shapes for every county-level division in the database, audited once per county."""
    total = 0
    with transaction.atomic():
        for county in Division.objects.filter(level=DivisionLevel.COUNTY).order_by("path"):
            n = generate_shapes(county)
            audit.record(AuditAction.UPDATE, county, verb=verb, changes={"generated": n})
            total += n
        _changed()
    return total


# --- import -------------------------------------------------------------------------------

CODE_KEYS = ("code", "adcode", "区划代码", "division_code")
NAME_KEYS = ("name", "名称", "NAME")


class ShapeFileError(ValueError):
    """A GeoJSON file that cannot be read at all (Chinese message)."""


@dataclass
class ImportResult:
    matched: list[str] = field(default_factory=list)  # division codes given a shape
    unmatched: list[str] = field(default_factory=list)  # features no division matched (Chinese)
    invalid: list[str] = field(default_factory=list)  # features without a usable geometry (Chinese)
    ambiguous: list[str] = field(default_factory=list)  # names shared by two divisions (Chinese)
    missing: list[str] = field(default_factory=list)  # divisions of the level left without a shape

    def as_json(self) -> dict:
        return {
            "matched": len(self.matched),
            "unmatched": self.unmatched,
            "invalid": self.invalid,
            "ambiguous": self.ambiguous,
            "missing": self.missing,
        }


def valid_geometry(geom: object) -> bool:
    """A Polygon or MultiPolygon whose rings are closed and have at least four numeric points."""
    if not isinstance(geom, dict) or geom.get("type") not in ("Polygon", "MultiPolygon"):
        return False
    polys = geom.get("coordinates")
    if not isinstance(polys, list) or not polys:
        return False
    for poly in [polys] if geom["type"] == "Polygon" else polys:
        if not isinstance(poly, list) or not poly:
            return False
        for ring in poly:
            if not isinstance(ring, list) or len(ring) < 4 or ring[0] != ring[-1]:
                return False
            if not all(
                isinstance(p, list) and len(p) >= 2 and all(isinstance(c, int | float) for c in p[:2])
                for p in ring
            ):
                return False
    return True


def read_features(text: str) -> list[dict]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ShapeFileError(_("文件不是有效的GeoJSON：%(err)s") % {"err": exc}) from None
    if (
        isinstance(data, dict)
        and data.get("type") == "FeatureCollection"
        and isinstance(data.get("features"), list)
    ):
        return [f for f in data["features"] if isinstance(f, dict)]
    if isinstance(data, dict) and data.get("type") == "Feature":
        return [data]
    raise ShapeFileError(_("文件应为GeoJSON的FeatureCollection"))


def _prop(props: dict, keys: tuple[str, ...]) -> str:
    for k in keys:
        if props.get(k) not in (None, ""):
            return str(props[k]).strip()
    return ""


def import_shapes(text: str, level: str, match: str) -> ImportResult:
    """Give the divisions of `level` the shapes of the file's features, matched by division code
    (`code`/`adcode`, the full 12 digits or the significant prefix) or by name; everything the
    file could not place is reported, and divisions keep their shapes otherwise."""
    features = read_features(text)
    divisions = list(Division.objects.filter(level=level).order_by("path"))
    by_key: dict[str, list[Division]] = {}
    for d in divisions:
        keys = (d.code, d.path) if match == "code" else (d.name,)
        for k in set(keys):
            by_key.setdefault(k, []).append(d)
    out, changed = ImportResult(), {}
    for n, feature in enumerate(features, start=1):
        props = feature.get("properties") or {}
        key = _prop(props, CODE_KEYS if match == "code" else NAME_KEYS)
        label = _("第%(n)d个要素（%(key)s）") % {"n": n, "key": key or _("无代码或名称")}
        if not valid_geometry(feature.get("geometry")):
            out.invalid.append(label + _("：边界不是有效的多边形"))
            continue
        found = by_key.get(key, [])
        if not found:
            out.unmatched.append(label + _("：未找到对应的%(level)s") % {"level": DivisionLevel(level).label})
        elif len(found) > 1:
            out.ambiguous.append(label + _("：有%(n)d个同名区划，请改按代码匹配") % {"n": len(found)})
        else:
            found[0].shape = feature["geometry"]
            changed[found[0].pk] = found[0]
    with transaction.atomic():
        Division.objects.bulk_update(list(changed.values()), ["shape"], batch_size=500)
        _changed()
        out.matched = sorted(d.code for d in changed.values())
        county = Division.objects.filter(level=DivisionLevel.COUNTY).order_by("path").first()
        audit.record(
            AuditAction.IMPORT,
            county,
            verb="import_division_shapes",
            changes={
                "level": level,
                "match": match,
                "matched": len(changed),
                "unmatched": len(out.unmatched) + len(out.invalid) + len(out.ambiguous),
            },
        )
    out.missing = [
        f"{d.code} {d.name}"
        for d in Division.objects.filter(level=level, shape__isnull=True).order_by("path")
    ]
    return out
