"""Sweeps for tests, over the test county (conftest.py's synthetic county)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.models import Division
from fangkong.registry.models import Household, Resident
from fangkong.registry.tests.factories import make_household, make_resident

from ..actions import do_start_sweep
from ..models import Questionnaire, Sweep, Visit
from ..questions import FIRST_QUESTIONS, FIRST_TITLE


def questionnaire() -> Questionnaire:
    """The first version (the migration writes it; a live-server test's flush removes it)."""
    q = Questionnaire.objects.filter(number=1).first()
    return q or Questionnaire.objects.create(number=1, title=FIRST_TITLE, questions=FIRST_QUESTIONS)


def sweep(*areas: Division, name: str = "第一轮排摸", acting_user=SYSTEM, days: int = 3, **kwargs) -> Sweep:
    questionnaire()
    return do_start_sweep(acting_user=acting_user, name=name, areas=list(areas),
                          due_at=timezone.now() + dt.timedelta(days=days), **kwargs)


def household_with(grid: Division, n: int = 2) -> tuple[Household, list[Resident]]:
    h = make_household(grid)
    return h, [make_resident(grid, household=h) for _ in range(n)]


def visit_of(s: Sweep, household: Household) -> Visit:
    return Visit.objects.get(sweep=s, household=household)
