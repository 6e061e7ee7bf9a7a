"""Coverage of a round on a known data set, and the analytics job against a plain ORM computation."""

import datetime as dt
import random

import ibis
from django.db.models import Count, Q

from fangkong.analytics import coverage as cov
from fangkong.core import audit
from fangkong.core.actions import SYSTEM
from fangkong.core.models import Division
from fangkong.registry.models import Resident
from fangkong.testing import actions
from fangkong.testing.ingest import ResultRow, TubeRow, import_samplings, ingest_results, new_batch
from fangkong.testing.jobs import refresh_coverage
from fangkong.testing.models import CoverageGap, CoverageRollup, UnmatchedResult

from .conftest import NOW, pool, present

OUTSIDER = "110101199003070011"  # a valid ID number of someone not in the registry


def expected_by_orm(rnd) -> set[int]:
    """The expected population, straight from the ORM: present, not excluded, not an infant."""
    cutoff = dt.date(rnd.starts_on.year - rnd.infant_age, rnd.starts_on.month, min(rnd.starts_on.day, 28))
    excluded = rnd.exemptions.model.objects.filter(
        Q(round=rnd) | Q(round__isnull=True), reason__in=["infant", "away", "other"]).values("resident_id")
    return set(Resident.objects.filter(grid__parent__in=rnd.villages.values("village"), status="present")
               .exclude(pk__in=excluded).exclude(birth_date__gt=cutoff).values_list("pk", flat=True))


def test_it_counts_a_known_round(users, site, other_site, rnd, village):
    people = present(village, 16)
    pooled, away, bedridden, elsewhere, twice, infant_marked = people[:10], people[10], people[11], people[12], \
        people[13], people[14]
    with audit.audit_context(users["village"]):
        actions.do_add_exemption(away, "away", away_to="北京市朝阳区", acting_user=users["village"])
        actions.do_add_exemption(bedridden, "bedridden", note="瘫痪在床", acting_user=users["village"])
        actions.do_add_exemption(infant_marked, "other", round=rnd, note="术后", acting_user=users["village"])
        pool(site, rnd, pooled, "K0001", by=users["village"])
        pool(site, rnd, [twice], "K0002", capacity=5, by=users["village"])
        pool(site, rnd, [twice], "K0003", capacity=5, at=NOW + dt.timedelta(hours=2), by=users["village"])  # duplicate sample
        sample = actions.do_open_tube(site, "K0004", 5, round=rnd, now=NOW, acting_user=users["village"])
        actions.do_bind_sample(sample, OUTSIDER, now=NOW, acting_user=users["village"])  # a visitor: not in the registry
        actions.do_seal_tube(sample, acting_user=users["village"])
    with audit.audit_context(users["village_other"]):
        pool(other_site, rnd, [elsewhere], "K0005", capacity=5, by=users["village_other"])  # sampled in another village
    with audit.audit_context(users["lab"]):
        counts = ingest_results([
            ResultRow(2, "K0001", "negative", None, None, NOW + dt.timedelta(hours=6)),
            ResultRow(3, "UNKNOWN-1", "negative", None, None, NOW + dt.timedelta(hours=6)),
        ], new_batch(users["lab"], file_name="lab.csv"), now=NOW + dt.timedelta(hours=6))
    assert counts["unknown"] == 1 and UnmatchedResult.objects.filter(barcode="UNKNOWN-1").exists()

    out = refresh_coverage(rnd, acting_user=SYSTEM, now=NOW + dt.timedelta(hours=7))
    expected = expected_by_orm(rnd)
    assert away.pk not in expected and infant_marked.pk not in expected and bedridden.pk in expected
    county = CoverageRollup.objects.get(round=rnd, level="county")
    assert county.expected == len(expected)
    assert county.sampled == 12  # ten pooled, the one sampled twice, the one sampled elsewhere; not the visitor
    assert county.duplicates == 1 and county.sampled_elsewhere == 1 and county.resulted == 10
    assert county.untested == len(expected) - 12 and county.home_sampling == 1
    assert county.registered == Resident.objects.filter(
        grid__parent__in=[site.division, other_site.division], status__in=["present", "away"]).count()
    gaps = set(CoverageGap.objects.filter(round=rnd).values_list("resident_id", flat=True))
    assert gaps == expected - {p.pk for p in [*pooled, twice, elsewhere]}
    assert CoverageGap.objects.get(round=rnd, resident=bedridden).home_sampling
    grid = CoverageRollup.objects.get(round=rnd, division=elsewhere.grid)
    assert grid.sampled_elsewhere == 1
    assert out["unknown_results"] >= 1 and out["tubes"] == 1
    village_row = CoverageRollup.objects.get(round=rnd, division=village)
    assert village_row.sampled == 12 and village_row.level == "village"


def test_it_matches_a_plain_orm_computation_on_the_small_county(users, county, site):
    villages = list(Division.objects.filter(level="village").order_by("path"))
    with audit.audit_context(users["commander"]):
        rnd = actions.do_create_round(name="全县全员", division=county, starts_on=NOW.date(), days=3,
                                      villages=villages, acting_user=users["commander"])
    rng = random.Random(5)
    ids = list(Resident.objects.filter(status="present").order_by("id").values_list("id_number", flat=True))
    chosen = [n for n in ids if rng.random() < 0.7] + rng.sample(ids, 20)  # 20 duplicates
    tubes = [TubeRow(f"C{i:06d}", chosen[i * 10:(i + 1) * 10], NOW + dt.timedelta(minutes=i), site.pk)
             for i in range((len(chosen) + 9) // 10)]
    import_samplings(tubes, round_id=rnd.pk, division_id=county.pk)
    ingest_results([ResultRow(i, t.barcode, "negative" if i % 7 else "positive", None, None,
                              NOW + dt.timedelta(hours=8)) for i, t in enumerate(tubes[: len(tubes) // 2])],
                   new_batch(users["lab"]), now=NOW + dt.timedelta(hours=8))
    refresh_coverage(rnd, acting_user=SYSTEM, now=NOW + dt.timedelta(hours=9))

    expected = expected_by_orm(rnd)
    per_grid = {}
    sampled = (Resident.objects.filter(pk__in=expected).annotate(
        n=Count("samplings", filter=Q(samplings__round=rnd)),
        r=Count("samplings", filter=Q(samplings__round=rnd) & ~Q(samplings__sample__result="pending"))))
    for res in sampled.values("grid_id", "n", "r"):
        g = per_grid.setdefault(res["grid_id"], {"expected": 0, "sampled": 0, "duplicates": 0, "resulted": 0,
                                                 "untested": 0})
        g["expected"] += 1
        g["sampled"] += res["n"] > 0
        g["duplicates"] += res["n"] > 1
        g["resulted"] += res["r"] > 0
        g["untested"] += res["n"] == 0
    got = {r.division_id: {k: getattr(r, k) for k in ("expected", "sampled", "duplicates", "resulted", "untested")}
           for r in CoverageRollup.objects.filter(round=rnd, level="grid")}
    assert got == per_grid
    total = CoverageRollup.objects.get(round=rnd, level="county")
    assert total.sampled == sum(g["sampled"] for g in per_grid.values()) > 0.6 * len(expected)
    assert CoverageGap.objects.filter(round=rnd).count() == total.untested


def test_it_compiles_the_coverage_job_for_spark():
    """The job is portable Ibis: the same expression compiles to Spark SQL."""
    t = {name: ibis.table(schema, name=name) for name, schema in cov.SCHEMAS.items()}
    people = cov.person_status(t, dt.date(2022, 7, 4), 3)
    sql = ibis.to_sql(cov.rollup(cov.per_grid(people), t["divisions"]), dialect="pyspark")
    assert "GROUP BY" in sql and "residents" in sql
