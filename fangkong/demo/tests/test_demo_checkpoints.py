"""#13 item 3: the demo county has checkpoints with a day of traffic, so the checkpoint pages are filled."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from fangkong.demo.areas import seed_risk_areas
from fangkong.demo.checkpoints import seed_checkpoint_traffic, seed_checkpoints
from fangkong.metrics.checkpoints import border_figures
from fangkong.sectors.choices import CheckpointKind, TransitStatus
from fangkong.sectors.models import Checkpoint, CheckpointShift, PersonCheck, VehicleCheck

pytestmark = pytest.mark.django_db


def test_it_seeds_checkpoints_with_a_day_of_traffic(users):
    commander = users["commander"]
    seed_risk_areas(timezone.localdate(), acting_user=commander)
    rng = random.Random(7)
    checkpoints = seed_checkpoints(rng, commander)
    assert {c.kind for c in checkpoints} == {CheckpointKind.COUNTY_BORDER, CheckpointKind.VILLAGE_GATE}
    assert CheckpointShift.objects.filter(checkpoint__in=checkpoints).count() == 2 * len(checkpoints)
    counts = seed_checkpoint_traffic(rng, checkpoints, commander, vehicles=60)
    assert counts["rows"] > 60 and counts["imported"] == counts["rows"] and counts["leads"] >= 3
    assert PersonCheck.objects.filter(from_risk=True, lead__isnull=False).count() == counts["leads"]
    assert VehicleCheck.objects.filter(transit=TransitStatus.EXITED).count() == 1
    f = border_figures(commander, timezone.localdate().replace(day=1), timezone.localdate())
    assert f.checkpoints == Checkpoint.objects.filter(kind=CheckpointKind.COUNTY_BORDER).count() and f.people > 0
    assert seed_checkpoints(rng, commander) == checkpoints  # a second run reuses them
