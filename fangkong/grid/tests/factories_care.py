"""Home measures, care teams and notices for tests, over the test county (conftest.py)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from fangkong.control.choices import MeasureStatus
from fangkong.control.tests import factories as CF
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import MeasureKind
from fangkong.core.models import Division
from fangkong.core.scoping import in_subtree
from fangkong.registry.models import Resident
from fangkong.screening.models import Person

from ..actions import do_form_care_team
from ..care import ensure_default_templates
from ..models import CareTeam


def resident_in(division: Division) -> Resident:
    """A resident of `division`'s subtree not under a measure yet."""
    controlled = Person.objects.filter(measures__status=MeasureStatus.ACTIVE).values("id_number")
    return (in_subtree(Resident.objects.filter(id_number__isnull=False), "grid", division)
            .exclude(id_number__in=controlled).order_by("id").first())


def home_measure(division: Division, kind: str = MeasureKind.HOME_ISOLATION):
    """A home measure of a resident of `grid`, started by the platform (no team yet unless the
    on-commit event runs)."""
    ensure_default_templates()
    p = CF.person(resident=resident_in(division))
    return CF.start(p, timezone.localdate(), kind=kind)


def team(division: Division, kind: str = MeasureKind.HOME_ISOLATION, now: dt.datetime | None = None) -> CareTeam:
    return do_form_care_team(home_measure(division, kind), acting_user=SYSTEM, now=now)
