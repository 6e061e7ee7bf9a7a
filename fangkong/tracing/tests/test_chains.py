"""Transmission chains: the rules of a link (no self, no second link between two cases, no
cycle), generations, the filters, scope (a township sees its own links only, in the page's JSON
and the API), frozen snapshots, the 1,000-case chain in a fixed number of queries, and the link
offered when a contact turns positive."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditAction, DivisionLevel, Role
from fangkong.core.models import AuditLog, Division
from fangkong.core.testkit.users import api_client_for, client_for, make_user

from ..actions import do_freeze_chain, do_set_cluster_cases
from ..chains import chain_graph, generations, snapshot_report
from ..choices import CaseClass, ExposureType
from ..models import Case, ChainSnapshot, ProtocolVersion, TransmissionEdge
from . import chain_data as C
from . import factories as F

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _protocol(db):
    F.activate()


def _grid_of(township: Division) -> Division:
    return Division.objects.filter(level=DivisionLevel.GRID, path__startswith=township.path).order_by("path").first()


@pytest.fixture
def towns(users):
    """Two townships, a grid in each and a township cadre of each."""
    a = Division.objects.get(path=users["grid"].division.path[:9])
    b = Division.objects.filter(level=DivisionLevel.TOWNSHIP).exclude(pk=a.pk).order_by("path").first()
    return {"a": a, "b": b, "grid_a": _grid_of(a), "grid_b": _grid_of(b),
            "cadre_a": make_user("chain_cadre_a", a, Role.TOWNSHIP_CADRE),
            "cadre_b": make_user("chain_cadre_b", b, Role.TOWNSHIP_CADRE)}


def test_it_refuses_a_self_link(users):
    case = C.case_on(users["grid"].division, 3)
    with pytest.raises(ValidationError, match="病例不能传染自己"):
        C.link(case, case)
    assert not TransmissionEdge.objects.exists()


def test_it_refuses_a_second_link_between_two_cases_either_way(users):
    a, b = C.case_on(users["grid"].division, 5), C.case_on(users["grid"].division, 3)
    C.link(a, b)
    for source, target in ((a, b), (b, a)):
        with pytest.raises(ValidationError, match="这两个病例之间已有传播关系"):
            C.link(source, target)
    assert TransmissionEdge.objects.count() == 1


def test_it_refuses_a_cycle_with_a_clear_message(users):
    g = users["grid"].division
    a, b, c = C.case_on(g, 6), C.case_on(g, 4), C.case_on(g, 2)
    C.link(a, b)
    C.link(b, c)
    with pytest.raises(ValidationError, match="循环传播链"):
        C.link(c, a)
    assert TransmissionEdge.objects.count() == 2


def test_it_computes_generations_taking_the_nearest_source():
    # 1 → 2 → 3 → 4, and 1 → 4 directly: 4 is generation 2, not 4; 5 alone is generation 1.
    gen = generations([(1, 2), (2, 3), (3, 4), (1, 4), (4, 6), (7, 6)], [1, 2, 3, 4, 5, 6, 7])
    assert gen == {1: 1, 2: 2, 3: 3, 4: 2, 5: 1, 6: 2, 7: 1}


def test_the_chain_carries_generations_clusters_and_counts(users):
    g, cdc = users["grid"].division, users["cdc"]
    root, child, grandchild, other = (C.case_on(g, 9), C.case_on(g, 6), C.case_on(g, 3), C.case_on(g, 2))
    C.link(root, child)
    C.link(child, grandchild, exposure=ExposureType.COLLEAGUE)
    cluster = C.cluster(g, [root, child, grandchild], name="家庭聚集")
    cluster.refresh_from_db()
    assert (cluster.first_onset_on, cluster.last_onset_on) == (root.onset_on, grandchild.onset_on)
    graph = chain_graph(cdc)
    gen = {n["id"]: n["gen"] for n in graph["nodes"]}
    assert (gen[root.pk], gen[child.pk], gen[grandchild.pk], gen[other.pk]) == (1, 2, 3, 1)
    assert graph["counts"]["max_generation"] == 3
    assert {n["id"]: n["clusters"] for n in graph["nodes"]}[child.pk] == [cluster.pk]
    by_id = {n["id"]: n for n in graph["nodes"]}
    assert by_id[root.pk]["url"] == reverse("tracing:case", args=[root.pk])
    assert by_id[root.pk]["chain"] == by_id[grandchild.pk]["chain"] != by_id[other.pk]["chain"]


def _square(lon: float, lat: float) -> dict:
    ring = [[lon, lat], [lon + 0.1, lat], [lon + 0.1, lat + 0.1], [lon, lat + 0.1], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def test_the_map_view_places_townships_where_their_shapes_lie(towns, users):
    """With shapes, a township's centre on the map view follows its place on the county map
    (east to the right, north up, neighbours about 100 apart); without, a grid in code order."""
    C.case_on(towns["grid_a"], 5)
    C.case_on(towns["grid_b"], 4)

    def centres() -> dict:
        return {t["path"]: t["xy"] for t in chain_graph(users["cdc"])["townships"]}

    Division.objects.filter(level=DivisionLevel.TOWNSHIP).update(shape=None)
    assert centres() == {towns["a"].path: [0.0, 0.0], towns["b"].path: [100.0, 0.0]}
    # b lies north-west of a: left of it and above it (the screen's y grows downwards)
    Division.objects.filter(pk=towns["a"].pk).update(shape=_square(114.7, 41.5))
    Division.objects.filter(pk=towns["b"].pk).update(shape={"type": "MultiPolygon", "coordinates": [
        _square(114.5, 41.7)["coordinates"], [[[114.5, 41.7], [114.501, 41.7], [114.501, 41.701], [114.5, 41.7]]]]})
    xy = centres()
    (ax, ay), (bx, by) = xy[towns["a"].path], xy[towns["b"].path]
    assert bx < ax and by < ay
    assert abs(((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5 - 100) < 0.5
    assert "shape" not in chain_graph(users["cdc"])["townships"][0]


def test_it_filters_the_chain_by_cluster_and_date_keeping_generations(users):
    g, cdc = users["grid"].division, users["cdc"]
    root, child, outside = C.case_on(g, 9), C.case_on(g, 6), C.case_on(g, 2)
    C.link(root, child)
    cluster = C.cluster(g, [root, child])
    client = client_for(cdc)
    body = client.get(reverse("tracing:chain_data"), {"cluster": cluster.pk}).json()
    assert {n["id"] for n in body["nodes"]} == {root.pk, child.pk}
    assert [(e["source"], e["target"]) for e in body["edges"]] == [(root.pk, child.pk)]
    late = client.get(reverse("tracing:chain_data"), {"date_from": child.onset_on.isoformat()}).json()
    ids = {n["id"]: n["gen"] for n in late["nodes"]}
    assert root.pk not in ids and ids[child.pk] == 2 and outside.pk in ids  # still the second generation
    assert late["edges"] == []
    bad = client.get(reverse("tracing:chain_data"), {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert bad.status_code == 400 and "发病日期起不能晚于发病日期止" in bad.json()["errors"][0]


def test_a_township_sees_only_its_own_links_in_the_page_json_and_the_api(towns):
    a1, a2 = C.case_on(towns["grid_a"], 5), C.case_on(towns["grid_a"], 3)
    b1, b2 = C.case_on(towns["grid_b"], 5), C.case_on(towns["grid_b"], 3)
    own, foreign, across = C.link(a1, a2), C.link(b1, b2), C.link(b2, a2)
    page = client_for(towns["cadre_a"]).get(reverse("tracing:chain_data"), {"township": towns["b"].pk})
    assert page.status_code == 400  # another township is not a choice
    body = client_for(towns["cadre_a"]).get(reverse("tracing:chain_data")).json()
    assert {n["id"] for n in body["nodes"]} >= {a1.pk, a2.pk}
    assert not {b1.pk, b2.pk} & {n["id"] for n in body["nodes"]}
    assert [(e["source"], e["target"]) for e in body["edges"]] == [(a1.pk, a2.pk)]
    api = api_client_for(towns["cadre_a"])
    listed = {row["id"] for row in api.get(reverse("tracing-link-list")).json()["results"]}
    assert listed == {own.pk}
    assert api.get(reverse("tracing-link-detail", args=[across.pk])).status_code == 404
    graph = api.get(reverse("tracing-link-graph")).json()
    assert [(e["source"], e["target"]) for e in graph["edges"]] == [(a1.pk, a2.pk)]
    county = api_client_for(make_user("chain_cdc_county", Division.objects.get(level=DivisionLevel.COUNTY), Role.CDC))
    assert {own.pk, foreign.pk, across.pk} <= {r["id"] for r in county.get(reverse("tracing-link-list")).json()["results"]}


def test_a_snapshot_stays_as_it_was_frozen(users):
    g, cdc = users["grid"].division, users["cdc"]
    root, child = C.case_on(g, 9), C.case_on(g, 6)
    C.link(root, child)
    snapshot = do_freeze_chain(title="周报传播链", filters={}, acting_user=cdc)
    frozen = snapshot_report(snapshot)
    later = C.case_on(g, 1)
    C.link(child, later)
    snapshot.refresh_from_db()
    report = snapshot_report(snapshot)
    assert report["nodes"] == frozen["nodes"] and report["edges"] == frozen["edges"]
    assert later.pk not in {n["id"] for n in report["nodes"]} and report["counts"]["edges"] == 1
    snapshot.title = "改过的名字"
    with pytest.raises(ValidationError, match="快照已冻结"):
        snapshot.save()
    api = api_client_for(cdc)
    assert api.patch(reverse("tracing-chainsnapshot-detail", args=[snapshot.pk]), {"title": "x"},
                     format="json").status_code == 405
    page = client_for(cdc).get(reverse("tracing:chainsnapshot", args=[snapshot.pk]))
    assert "周报传播链" in page.content.decode() and root.code in page.content.decode()


def test_freezing_from_the_page_keeps_the_filters(users):
    g, cdc = users["grid"].division, users["cdc"]
    root, child, other = C.case_on(g, 9), C.case_on(g, 6), C.case_on(g, 5)
    C.link(root, child)
    cluster = C.cluster(g, [root, child])
    response = client_for(cdc).post(reverse("tracing:chain_freeze"), {"title": "聚集快照", "cluster": cluster.pk})
    snapshot = ChainSnapshot.objects.get(title="聚集快照")
    assert response.status_code == 302 and response["Location"] == reverse("tracing:chainsnapshot", args=[snapshot.pk])
    assert snapshot.filters == {"cluster": cluster.pk} and snapshot.node_count == 2 and snapshot.edge_count == 1
    assert other.pk not in {n["id"] for n in snapshot.data["nodes"]}
    assert AuditLog.objects.filter(action=AuditAction.CREATE, verb="freeze_chain", actor=cdc).exists()


def _bulk_chain(division: Division, n: int, rng: random.Random) -> list[int]:
    protocol = ProtocolVersion.in_force()
    today, now = timezone.localdate(), timezone.now()
    cases = Case.objects.bulk_create([
        Case(code=f"QL{i:06d}", name=f"批量病例{i}", division=division, classification=CaseClass.CONFIRMED,
             onset_on=today - dt.timedelta(days=30 - i * 30 // n), reported_at=now, protocol=protocol,
             look_back_from=today - dt.timedelta(days=40)) for i in range(n)])
    ids = [c.pk for c in cases]
    TransmissionEdge.objects.bulk_create([
        TransmissionEdge(source_id=ids[rng.randrange(i)], target_id=ids[i], exposure=ExposureType.SAME_VENUE)
        for i in range(1, n) if rng.random() < 0.9])
    return ids


def test_a_chain_of_a_thousand_cases_is_built_in_a_fixed_number_of_queries(users):
    cdc = users["cdc"]
    client = client_for(cdc)
    client.get(reverse("tracing:chain_data"))  # session and user warm
    counts = {}
    for size in (10, 1000):
        Case.objects.filter(code__startswith="QL").delete()
        _bulk_chain(users["grid"].division, size, random.Random(size))
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(reverse("tracing:chain_data")).json()
        assert len([n for n in body["nodes"] if n["code"].startswith("QL")]) == size
        counts[size] = len(ctx.captured_queries)
    assert counts[10] == counts[1000] <= 12, counts
    assert body["counts"]["max_generation"] > 3


def test_a_contact_who_turned_positive_is_offered_as_a_link(users):
    g, cdc = users["grid"].division, users["cdc"]
    index = C.case_on(g, 8)
    person = F.resident(g, 2)
    contact = F.contact(index, resident_of=person, place="老街火锅店")
    turned = C.case_on(g, 2, name=person.name, id_number=person.id_number)
    client = client_for(cdc)
    contact_page = client.get(reverse("tracing:contact", args=[contact.pk])).content.decode()
    assert f"该接触者已转为病例 {turned.code}" in contact_page and f"关联 {index.code} 为传染来源" in contact_page
    page = client.get(reverse("tracing:case", args=[turned.pk])).content.decode()
    assert f"本病例曾是病例 {index.code} 的密切接触者" in page
    response = client.post(reverse("tracing:case_link", args=[turned.pk]), {
        "source_code": index.code, "exposure": ExposureType.SAME_VENUE, "certainty": "probable",
        "evidence": "接触者转为病例：老街火锅店"})
    assert response.status_code == 302
    edge = TransmissionEdge.objects.get(target=turned)
    assert edge.source == index and edge.created_by == cdc
    assert AuditLog.objects.filter(action=AuditAction.CREATE, verb="link_cases", actor=cdc).exists()
    assert "本病例曾是病例" not in client.get(reverse("tracing:case", args=[turned.pk])).content.decode()
    assert "已关联传染来源" in client.get(reverse("tracing:contact", args=[contact.pk])).content.decode()


def test_the_case_page_refuses_a_cycle_in_chinese(users):
    g, cdc = users["grid"].division, users["cdc"]
    a, b = C.case_on(g, 6), C.case_on(g, 3)
    C.link(a, b)
    client = client_for(cdc)
    response = client.post(reverse("tracing:case_link", args=[a.pk]), {
        "source_code": b.code, "exposure": ExposureType.HOUSEHOLD, "certainty": "possible"}, follow=True)
    assert "已有传播关系" in response.content.decode()
    response = client.post(reverse("tracing:case_link", args=[a.pk]), {
        "source_code": "BL不存在", "exposure": ExposureType.HOUSEHOLD, "certainty": "possible"}, follow=True)
    assert "没有找到病例“BL不存在”" in response.content.decode()
    assert TransmissionEdge.objects.count() == 1


def test_the_api_refuses_a_cycle_with_a_chinese_message(users):
    g, cdc = users["grid"].division, users["cdc"]
    a, b, c = C.case_on(g, 6), C.case_on(g, 4), C.case_on(g, 2)
    C.link(a, b)
    C.link(b, c)
    response = api_client_for(cdc).post(reverse("tracing-link-list"), {
        "source": c.pk, "target": a.pk, "exposure": ExposureType.HOUSEHOLD, "certainty": "possible"}, format="json")
    assert response.status_code == 400 and "循环传播链" in response.content.decode()
    assert TransmissionEdge.objects.count() == 2


def test_a_cluster_takes_cases_from_the_page_and_the_api(users):
    g, cdc = users["grid"].division, users["cdc"]
    a, b = C.case_on(g, 7), C.case_on(g, 2)
    cluster = C.cluster(g)
    client_for(cdc).post(reverse("tracing:cluster_cases", args=[cluster.pk]), {"codes": f"{a.code}，{b.code}"})
    cluster.refresh_from_db()
    assert set(cluster.cases.all()) == {a, b} and cluster.first_onset_on == a.onset_on
    response = api_client_for(cdc).post(reverse("tracing-cluster-cases", args=[cluster.pk]), {"remove": [a.pk]},
                                        format="json")
    assert response.status_code == 200 and response.json()["cases"] == [b.pk]
    assert response.json()["first_onset_on"] == b.onset_on.isoformat()
    do_set_cluster_cases(cluster, remove=[b], acting_user=SYSTEM)
    assert AuditLog.objects.filter(verb="cluster_cases").count() == 3


def test_the_chain_page_and_menu_show_for_the_cdc_and_not_the_lab(users):
    assert client_for(users["cdc"]).get(reverse("tracing:chain")).status_code == 200
    assert client_for(users["lab"]).get(reverse("tracing:chain")).status_code == 403
    assert client_for(users["lab"]).get(reverse("tracing:chain_data")).status_code == 403
