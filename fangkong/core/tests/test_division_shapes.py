"""区划边界: the synthetic county's generated shapes, the `division_shapes` command and the GeoJSON
import matched by code or by name."""

from __future__ import annotations

import json
import random

import pytest
from django.core.management import CommandError, call_command

from fangkong.core import shapes
from fangkong.core.models import AuditLog, Division


def ring(d: Division) -> list[tuple[float, float]]:
    return [tuple(p) for p in d.shape["coordinates"][0][:-1]]


def square(x: float, y: float, size: float = 0.01) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]],
    }


def feature(geometry: dict | None, **props) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def write(tmp_path, features: list[dict]) -> str:
    path = tmp_path / "shapes.geojson"
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), "utf-8"
    )
    return str(path)


def test_it_gives_every_township_and_village_one_valid_polygon(county):
    townships = list(county.children.order_by("path"))
    villages = list(Division.objects.filter(level="village"))
    assert townships and villages
    for d in [county, *townships, *villages]:
        assert shapes.valid_geometry(d.shape), d
        assert shapes.area(ring(d)) > 0, d  # counter-clockwise, not degenerate
    for v in villages:  # inside its township's bounding box
        tx0, ty0, tx1, ty1 = shapes.bbox(ring(v.parent))
        vx0, vy0, vx1, vy1 = shapes.bbox(ring(v))
        eps = 1e-4
        assert tx0 - eps <= vx0 and ty0 - eps <= vy0 and vx1 <= tx1 + eps and vy1 <= ty1 + eps, v


def test_it_covers_the_county_with_townships_that_do_not_overlap(county):
    townships = list(county.children.order_by("path"))
    total = sum(shapes.area(ring(t)) for t in townships)
    assert total == pytest.approx(shapes.area(ring(county)), rel=1e-3)
    rng = random.Random(1)
    x0, y0, x1, y1 = shapes.bbox(ring(county))
    hits = 0
    for _ in range(400):
        p = (rng.uniform(x0, x1), rng.uniform(y0, y1))
        if shapes.inside(ring(county), p):
            hits += 1
            assert sum(shapes.inside(ring(t), p) for t in townships) == 1, p
    assert hits > 100
    for t in townships:  # the villages of a township cover it too
        kids = list(t.children.all())
        assert sum(shapes.area(ring(v)) for v in kids) == pytest.approx(shapes.area(ring(t)), rel=1e-3)


def test_it_generates_the_same_shapes_again_for_an_existing_database(county):
    before = dict(Division.objects.filter(level__in=["township", "village"]).values_list("pk", "shape"))
    Division.objects.update(shape=None)
    out = []
    call_command("division_shapes", "--generate", "--json", stdout=FakeOut(out))
    assert json.loads(out[0])["generated"] == len(before) + 1
    after = dict(Division.objects.filter(level__in=["township", "village"]).values_list("pk", "shape"))
    assert after == before
    assert AuditLog.objects.filter(verb="division_shapes").exists()
    call_command("division_shapes", "--generate", "--if-missing", "--json", stdout=FakeOut(out))
    assert json.loads(out[1])["generated"] == 0  # scripts/demo on a database that has them


class FakeOut:
    def __init__(self, out: list[str]) -> None:
        self.out = out

    def write(self, text: str) -> None:
        self.out.append(text)


def test_it_imports_shapes_matched_by_code_and_reports_the_unmatched(county, tmp_path):
    t1, t2 = county.children.order_by("path")[:2]
    path = write(
        tmp_path,
        [
            feature(square(100, 30), code=t1.code, name="随便"),
            feature(square(101, 30), adcode=t2.path),
            feature(square(102, 30), code="999999999999", name="外县"),
        ],
    )
    out = []
    call_command(
        "division_shapes",
        "--import",
        path,
        "--level",
        "township",
        "--match",
        "code",
        "--json",
        stdout=FakeOut(out),
    )
    result = json.loads(out[0])
    assert result["matched"] == 2
    assert len(result["unmatched"]) == 1
    assert result["unmatched"][0].startswith("第3个要素（999999999999）：未找到对应的")
    t1.refresh_from_db()
    t2.refresh_from_db()
    assert t1.shape == square(100, 30) and t2.shape == square(101, 30)
    assert AuditLog.objects.filter(verb="import_division_shapes").exists()


def test_it_imports_shapes_matched_by_name_and_refuses_bad_features(county, tmp_path):
    village = Division.objects.filter(level="village").order_by("path").first()
    other = Division.objects.filter(level="village").order_by("path").last()
    keep = other.shape
    path = write(
        tmp_path,
        [
            feature(square(100, 30), name=village.name),
            feature({"type": "Point", "coordinates": [1, 2]}, name=other.name),
            feature(square(100, 31), name="无此村"),
        ],
    )
    result = shapes.import_shapes(open(path, encoding="utf-8").read(), "village", "name")
    assert result.matched == [village.code]
    assert (
        len(result.invalid) == 1
        and "边界不是有效的多边形" in result.invalid[0]
        and other.name in result.invalid[0]
    )
    assert len(result.unmatched) == 1 and "无此村" in result.unmatched[0]
    village.refresh_from_db()
    other.refresh_from_db()
    assert village.shape == square(100, 30)
    assert other.shape == keep  # nothing lost


def test_it_refuses_a_file_that_is_not_geojson(db, tmp_path):
    path = tmp_path / "bad.geojson"
    path.write_text("{not json", "utf-8")
    with pytest.raises(CommandError, match="不是有效的GeoJSON"):
        call_command("division_shapes", "--import", str(path))
    path.write_text(json.dumps({"type": "Topology"}), "utf-8")
    with pytest.raises(CommandError, match="FeatureCollection"):
        call_command("division_shapes", "--import", str(path))
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("division_shapes", "--import", str(tmp_path / "none.geojson"))
