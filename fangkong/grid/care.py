"""Helpers of the 四对一 teams: who fills a seat by default, and the township of a division."""

from __future__ import annotations

from fangkong.core.choices import DivisionLevel, Role
from fangkong.core.models import Division, User

from .away import users_with, village_of
from .choices import CareRole

# The platform role whose holders may sit in a seat, looked for from the person's grid upwards.
SEAT_ROLES = {
    CareRole.GRID_WORKER: (Role.GRID_WORKER, (DivisionLevel.GRID,)),
    CareRole.VILLAGE_CADRE: (Role.VILLAGE_CADRE, (DivisionLevel.VILLAGE,)),
    CareRole.TOWNSHIP_CADRE: (Role.TOWNSHIP_CADRE, (DivisionLevel.TOWNSHIP,)),
    # The village doctor or the township health centre, where they hold an account (疾控 role).
    CareRole.DOCTOR: (Role.CDC, (DivisionLevel.VILLAGE, DivisionLevel.TOWNSHIP)),
    # The police have no account of the platform: a name and phone are entered by the cadre.
}


def township_of(division: Division) -> Division | None:
    if division.level == DivisionLevel.TOWNSHIP:
        return division
    return Division.objects.filter(path=division.path[:9], level=DivisionLevel.TOWNSHIP).first()


def at_level(division: Division, level: str) -> Division | None:
    if level == DivisionLevel.GRID:
        return division if division.level == DivisionLevel.GRID else None
    if level == DivisionLevel.VILLAGE:
        return village_of(division)
    return township_of(division)


def default_holder(role: str, division: Division, responsible: User | None = None) -> User | None:
    """Who sits in `role` for a person managed in `division`: the measure's responsible grid
    worker, else the first active user with the matching platform role at the seat's level;
    None (待指派) when there is none."""
    if role == CareRole.GRID_WORKER and responsible is not None and responsible.is_active:
        return responsible
    if role not in SEAT_ROLES:
        return None
    platform_role, levels = SEAT_ROLES[role]
    for level in levels:
        place = at_level(division, level)
        found = users_with(platform_role, place) if place is not None else []
        if found:
            return found[0]
    return None


def covers(user: User, division: Division) -> bool:
    """Whether `user`'s own area holds `division` (a seat holder must be able to open the person)."""
    return user.division_id is not None and division.path.startswith(user.division.path)


def ensure_default_templates() -> int:
    """The default duty templates (migration 0006) when there are none (a flushed test database,
    a county that deleted them all); returns how many exist after."""
    import importlib

    from django.apps import apps

    CareTemplate = apps.get_model("grid", "CareTemplate")
    if not CareTemplate.objects.exists():
        importlib.import_module("fangkong.grid.migrations.0008_default_care_templates").add(apps, None)
    return CareTemplate.objects.count()
