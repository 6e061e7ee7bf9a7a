"""bench/run dashboard — the command dashboard (指挥大屏) for the 300,000-resident county: the page,
the township and village shapes, and each map measure's JSON at township and village level, as
the commander opens them (Django test client, DEBUG off). Target: page + shapes + one measure
under 2 s (`first_view_s`, the page as a running server answers it; `page_first_s` is a fresh
process's first request). BENCH_DASHBOARD_POPULATION lowers the size for a quick look.

The activity is written straight into the roll-up tables the dashboard reads (a row per grid and
channel for open tasks, per grid and day for eight weeks of leads and closed tasks, per grid for
measures in force, a coverage roll-up per division), sized like a busy week of the seeds: the
dashboard's cost is in those tables and in the divisions, not in the millions of rows behind them.
"""

from __future__ import annotations

import datetime as dt
import os
import random

from bench.common import setup_django, timed

POPULATION = int(os.environ.get("BENCH_DASHBOARD_POPULATION", 300_000))
WEEKS = 8


def _activity(rng: random.Random) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from fangkong.control.models import NO_SITE, ActiveMeasureCount, RiskArea
    from fangkong.core.choices import MeasureKind
    from fangkong.core.models import Division
    from fangkong.screening.models import ClosedTaskCount, LeadCount, OpenTaskCount, PushCount
    from fangkong.testing.models import CoverageRollup, SamplingRound

    today, now = timezone.localdate(), timezone.now()
    grids = list(Division.objects.filter(level="grid"))
    channels = ["big_data", "self_report", "assist_request"]
    with transaction.atomic():
        OpenTaskCount.objects.bulk_create(
            [
                OpenTaskCount(
                    division=g,
                    channel=c,
                    module="big_data" if c == "big_data" else "self_report",
                    due_at=now + dt.timedelta(hours=rng.randint(-30, 30)),
                    unreachable=False,
                    n=rng.randint(1, 40),
                )
                for g in grids
                for c in channels
            ],
            batch_size=5000,
        )
        days = [today - dt.timedelta(days=i) for i in range(7 * WEEKS)]
        LeadCount.objects.bulk_create(
            [
                LeadCount(division=g, channel="big_data", module="big_data", day=d, n=rng.randint(0, 30))
                for g in grids
                for d in days
            ],
            batch_size=5000,
        )
        ClosedTaskCount.objects.bulk_create(
            [
                ClosedTaskCount(
                    division=g,
                    channel="big_data",
                    module="big_data",
                    day=d,
                    controlled=flag,
                    n=rng.randint(0, 20),
                )
                for g in grids
                for d in days
                for flag in (False, True)
            ],
            batch_size=5000,
        )
        PushCount.objects.bulk_create(
            [
                PushCount(
                    division=g,
                    channel="big_data",
                    module="big_data",
                    day=d,
                    verified=v,
                    unreachable=False,
                    n=rng.randint(0, 20),
                )
                for g in grids
                for d in days[:28]
                for v in (False, True)
            ],
            batch_size=5000,
        )
        ActiveMeasureCount.objects.bulk_create(
            [
                ActiveMeasureCount(
                    division=g,
                    kind=k,
                    site_id=NO_SITE,
                    ends_on=today + dt.timedelta(days=rng.randint(1, 7)),
                    n=rng.randint(0, 15),
                )
                for g in grids
                for k in (MeasureKind.HOME_ISOLATION, MeasureKind.HEALTH_MONITORING)
            ],
            batch_size=5000,
        )
        county = Division.objects.get(level="county")
        rnd = SamplingRound.objects.create(
            name="全员核酸第一轮",
            division=county,
            starts_on=today,
            ends_on=today + dt.timedelta(days=2),
            coverage_at=now,
        )
        rows = []
        for d in Division.objects.exclude(level="grid"):
            expected = rng.randint(1000, 5000)
            rows.append(
                CoverageRollup(
                    round=rnd,
                    division=d,
                    level=d.level,
                    expected=expected,
                    sampled=rng.randint(expected // 2, expected),
                    computed_at=now,
                )
            )
        CoverageRollup.objects.bulk_create(rows, batch_size=5000)
        villages = list(Division.objects.filter(level="village"))
        RiskArea.objects.bulk_create(
            [
                RiskArea(
                    level="medium",
                    rank=2,
                    province="河北省",
                    city="张家口市",
                    county=county.name,
                    code=v.code,
                    effective_from=today,
                )
                for v in rng.sample(villages, min(40, len(villages)))
            ]
        )
    return {"grids": len(grids), "villages": len(villages)}


def main(db: str) -> dict:
    setup_django(db, "dashboard")
    from django.test import Client

    from fangkong.core.models import Division, User
    from fangkong.metrics.dashboard import MEASURES
    from fangkong.registry.generator import CountySpec, generate_county

    figures: dict = {"population": POPULATION}
    rng = random.Random(2022)
    with timed(figures, "build_county_s"):
        generate_county(CountySpec(population=POPULATION, seed=2022))
    figures.update(_activity(rng))
    client = Client()
    client.force_login(User.objects.get(username="commander"))
    client.get("/")  # the session, once
    with timed(figures, "page_first_s"):  # the process's first: imports, templates, the database's cold pages
        assert client.get("/command/dashboard/").status_code == 200
    with timed(figures, "page_s"):  # as a running server answers it
        assert client.get("/command/dashboard/").status_code == 200
    with timed(figures, "shapes_cold_s"):
        shapes = client.get("/command/dashboard/shapes.json").json()
    figures["township_shapes"] = len(shapes["features"])
    with timed(figures, "shapes_warm_s"):
        client.get("/command/dashboard/shapes.json")
    township = Division.objects.filter(level="township").order_by("path").first()
    for key in MEASURES:
        with timed(figures, f"{key}_township_s"):
            assert client.get("/command/dashboard/data.json", {"measure": key}).status_code == 200
        with timed(figures, f"{key}_village_s"):
            assert (
                client.get(
                    "/command/dashboard/data.json",
                    {"measure": key, "level": "village", "parent": township.pk},
                ).status_code
                == 200
            )
    with timed(figures, "village_shapes_s"):
        client.get("/command/dashboard/shapes.json", {"level": "village", "parent": township.pk})
    figures["first_view_s"] = round(
        figures["page_s"] + figures["shapes_cold_s"] + max(figures[f"{k}_township_s"] for k in MEASURES), 3
    )
    figures["targets"] = {"first_view_s": 2}
    return figures
