"""Home measures, care teams and notices for tests, over the test county (conftest.py)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from fangkong.control.tests import factories as CF
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import MeasureKind
from fangkong.core.models import Division
from fangkong.registry.models import Resident

from ..actions import do_form_care_team
from ..care import ensure_default_templates
from ..models import CareTeam

_used: set[int] = set()


def resident_in(grid: Division) -> Resident:
    r = Resident.objects.filter(grid=grid, id_number__isnull=False).exclude(pk__in=_used).order_by("id").first()
    _used.add(r.pk)
    return r


def home_measure(grid: Division, kind: str = MeasureKind.HOME_ISOLATION):
    """A home measure of a resident of `grid`, started by the platform (no team yet unless the
    on-commit event runs)."""
    ensure_default_templates()
    p = CF.person(resident=resident_in(grid))
    return CF.start(p, timezone.localdate(), kind=kind)


def team(grid: Division, kind: str = MeasureKind.HOME_ISOLATION, now: dt.datetime | None = None) -> CareTeam:
    return do_form_care_team(home_measure(grid, kind), acting_user=SYSTEM, now=now)
