"""Helpers of the people-away ledger: who answers for a person or a place (三级分包), where a place
stands against control's risk areas, and which people away a listed area names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from fangkong.control.rules import origin_level_on
from fangkong.core.choices import DivisionLevel, Role
from fangkong.core.identity import receipt_code
from fangkong.core.models import Division, User
from fangkong.registry.choices import LiaisonLevel
from fangkong.registry.models import Liaison

from .choices import AwayStatus
from .models import PersonAway
from .models.away import PLACE_FIELDS


def new_code(prefix: str = "FX") -> str:
    return receipt_code(8, prefix)


def risk_level(place: dict[str, str], on: dt.date) -> str:
    """The worst risk level listed for a place on a day (control's risk areas), or "none"."""
    return str(origin_level_on({f: place.get(f, "") for f in PLACE_FIELDS}, on))


def users_with(role: str, division: Division | None) -> list[User]:
    if division is None:
        return []
    return list(User.objects.filter(is_active=True, division=division, roles__role=role).distinct().order_by("pk"))


def village_of(division: Division) -> Division | None:
    if division.level == DivisionLevel.VILLAGE:
        return division
    return Division.objects.filter(path=division.path[:12], level=DivisionLevel.VILLAGE).first()


def village_cadres(division: Division) -> list[User]:
    return users_with(Role.VILLAGE_CADRE, village_of(division))


def responsible(division: Division) -> User | None:
    """Who checks an arrival in a division: its grid worker, else its village cadre."""
    if division.level == DivisionLevel.GRID:
        workers = users_with(Role.GRID_WORKER, division)
        if workers:
            return workers[0]
    cadres = village_cadres(division)
    return cadres[0] if cadres else None


def default_liaison(grid: Division, household_id: int | None = None) -> User | None:
    """三级分包: the cadre who liaises with the household, else the village's cadre, else the
    township cadre who liaises with the village, else the grid worker."""
    if household_id:
        found = Liaison.objects.filter(household_id=household_id, user__is_active=True).select_related("user").first()
        if found:
            return found.user
    cadres = village_cadres(grid)
    if cadres:
        return cadres[0]
    village = village_of(grid)
    found = Liaison.objects.filter(division=village, level=LiaisonLevel.TOWNSHIP_TO_VILLAGE,
                                   user__is_active=True).select_related("user").first() if village else None
    if found:
        return found.user
    return responsible(grid)


def area_q(area: dict[str, Any]) -> Q:
    """People away whom a listed area may name: the same province, and at each level below the
    area's name or a person's place not known that precisely (their liaison calls to find out)."""
    q = Q(province=area["province"])
    for f in PLACE_FIELDS[1:]:
        if area.get(f):
            q &= Q(**{f: area[f]}) | Q(**{f: ""})
    return q


def away_in(areas: Iterable[dict[str, Any]]) -> QuerySet[PersonAway]:
    q = Q()
    for area in areas:
        q |= area_q(area)
    return PersonAway.objects.filter(q, status=AwayStatus.AWAY) if q else PersonAway.objects.none()

