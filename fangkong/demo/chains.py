"""The demo's transmission chains: the outbreak's first case linked to the contact who turned
positive, and three clusters (a hotpot dinner, colleagues at a building-materials company, a
family) whose cases reach the fourth generation across townships. Through tracing's actions."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from django.utils import timezone

from fangkong.core.actions import do_create
from fangkong.core.choices import DivisionLevel
from fangkong.core.models import Division
from fangkong.registry.models import Resident
from fangkong.tracing import actions
from fangkong.tracing.choices import CaseClass, Certainty, ExposureType, FoundBy
from fangkong.tracing.models import Case, Cluster, Contact

# How each new case of the hotpot cluster was exposed, and how surely.
HOTPOT = [
    (ExposureType.DINING, Certainty.CONFIRMED),
    (ExposureType.HOUSEHOLD, Certainty.CONFIRMED),
    (ExposureType.HOUSEHOLD, Certainty.PROBABLE),
    (ExposureType.COLLEAGUE, Certainty.POSSIBLE),
]


def _residents_by_township(towns: int = 4, per_town: int = 30) -> list[list[Resident]]:
    """Residents not yet a case or a contact, from the first grids of a few townships."""
    grids_of: dict[str, list[Division]] = defaultdict(list)
    for grid in Division.objects.filter(level=DivisionLevel.GRID).order_by("path"):
        grids_of[grid.path[:9]].append(grid)
    free = Resident.objects.exclude(id_number__in=Contact.objects.values("id_number")).exclude(
        id_number__in=Case.objects.exclude(id_number="").values("id_number")
    )
    out = [
        list(free.filter(grid__in=grids[:5]).select_related("grid").order_by("id")[:per_town])
        for _path, grids in sorted(grids_of.items())[:towns]
    ]
    return [rs for rs in out if rs]


class _People:
    """Hands out residents township by township (another township when one runs out)."""

    def __init__(self, towns: list[list[Resident]]) -> None:
        self.towns = [list(t) for t in towns]

    def take(self, n: int, town: int) -> list[Resident]:
        out: list[Resident] = []
        order = [town % len(self.towns), *range(len(self.towns))]
        for i in order:
            while self.towns[i] and len(out) < n:
                out.append(self.towns[i].pop(0))
        return out


def _case(r: Resident, days_ago: int, acting_user: Any, **fields: Any) -> Case:
    today, now = timezone.localdate(), timezone.now()
    return actions.do_open_case(
        name=r.name,
        id_number=r.id_number,
        phone=r.phone,
        address=r.address,
        division=r.grid,
        classification=fields.pop("classification", CaseClass.CONFIRMED),
        onset_on=today - dt.timedelta(days=days_ago),
        found_by=fields.pop("found_by", FoundBy.CONTROL),
        reported_at=now - dt.timedelta(days=max(days_ago - 1, 0)),
        acting_user=acting_user,
        **fields,
    )


def _cluster(code: str, name: str, division: Division, cases: list[Case], acting_user: Any) -> Cluster:
    cluster = do_create(
        Cluster,
        code=code,
        name=name,
        division=division,
        verb="create_cluster",
        note="演示数据",
        acting_user=acting_user,
    )
    return actions.do_set_cluster_cases(cluster, add=cases, acting_user=acting_user)


def _tree(
    root: Case,
    people: list[Resident],
    shape: list[tuple[int, int]],
    exposures: list,
    rng: random.Random,
    acting_user: Any,
) -> list[Case]:
    """Cases below `root`: `shape` gives each new case's source (index into the list so far) and
    its onset, days ago; the exposure comes round from `exposures`."""
    cases = [root]
    for i, ((source, days_ago), person) in enumerate(zip(shape, people, strict=False)):
        case = _case(
            person,
            days_ago,
            acting_user,
            classification=CaseClass.ASYMPTOMATIC if rng.random() < 0.3 else CaseClass.CONFIRMED,
        )
        exposure, certainty = exposures[i % len(exposures)]
        actions.do_link_cases(
            case,
            source=cases[source],
            exposure=exposure,
            certainty=certainty,
            evidence="流调核实",
            acting_user=acting_user,
        )
        cases.append(case)
    return cases


def seed_chains(rng: random.Random, acting_user: Any, first: Case, second: Case) -> str:
    """Links and clusters of the demo county; returns the summary line."""
    actions.do_link_cases(
        second,
        source=first,
        exposure=ExposureType.DINING,
        certainty=Certainty.CONFIRMED,
        evidence="同桌聚餐（老街火锅店），视频核实",
        acting_user=acting_user,
    )
    towns = _residents_by_township()
    if sum(len(t) for t in towns) < 17:
        return "传播关系 1 条"
    people = _People(towns)
    # Hotpot: first → second → two of second's household → a colleague of one of them (4th generation).
    hotpot = [
        first,
        *_tree(second, people.take(3, 0), [(0, 2), (0, 1), (1, 0)], HOTPOT[1:], rng, acting_user),
    ]
    # Colleagues: an index case, three colleagues, their families, one more generation, in a second township.
    index = _case(people.take(1, 1)[0], 9, acting_user, found_by=FoundBy.FEVER_CLINIC, employer="县建材公司")
    colleagues = _tree(
        index,
        [*people.take(3, 1), *people.take(3, 0), *people.take(2, 1)],
        [(0, 7), (0, 6), (0, 6), (1, 4), (2, 4), (3, 3), (4, 1), (5, 0)],
        [
            (ExposureType.COLLEAGUE, Certainty.CONFIRMED),
            (ExposureType.COLLEAGUE, Certainty.PROBABLE),
            (ExposureType.COLLEAGUE, Certainty.CONFIRMED),
            (ExposureType.HOUSEHOLD, Certainty.CONFIRMED),
            (ExposureType.HOUSEHOLD, Certainty.PROBABLE),
            (ExposureType.SAME_VENUE, Certainty.POSSIBLE),
            (ExposureType.HOUSEHOLD, Certainty.CONFIRMED),
            (ExposureType.CO_PRESENCE, Certainty.POSSIBLE),
        ],
        rng,
        acting_user,
    )
    # A family of three in a third township: a parent and two children.
    family_people = people.take(3, 2)
    family = _tree(
        _case(family_people[0], 5, acting_user),
        family_people[1:],
        [(0, 3), (0, 2)],
        [(ExposureType.HOUSEHOLD, Certainty.CONFIRMED)],
        rng,
        acting_user,
    )
    county = Division.objects.filter(level=DivisionLevel.COUNTY).order_by("path").first() or first.division
    today = timezone.localdate()
    _cluster(f"JJ{today:%Y%m%d}01", "老街火锅店聚集性疫情", county, hotpot, acting_user)
    _cluster(f"JJ{today:%Y%m%d}02", "县建材公司聚集性疫情", county, colleagues, acting_user)
    _cluster(f"JJ{today:%Y%m%d}03", "家庭聚集性疫情", county, family, acting_user)
    links = len(hotpot) - 1 + len(colleagues) - 1 + len(family) - 1
    return f"传播关系 {links} 条, 聚集性疫情 3 起"
