"""混管阳性 reaches the command centre and the CDC, not only the grid workers (#18 item 12)."""

from __future__ import annotations

import datetime as dt

from fangkong.core.choices import Role
from fangkong.core.models import Notification, User
from fangkong.registry.models import Resident
from fangkong.testing.choices import SampleKind, SampleStatus
from fangkong.testing.ingest import ResultRow, ingest_results, new_batch
from fangkong.testing.models import Sample, Sampling

from .conftest import NOW


def _sealed_tube(village, barcode: str, n: int, kind: str = SampleKind.POOL) -> Sample:
    """A sealed tube of `n` present residents of the village (written directly: the tube's
    sampling is not what is tested here)."""
    people = list(Resident.objects.filter(grid__parent=village, status="present", id_number__isnull=False)
                  .order_by("id")[:n])
    sample = Sample.objects.create(barcode=barcode, kind=kind, capacity=10 if kind == SampleKind.POOL else 1,
                                   division=village, status=SampleStatus.SEALED, members=len(people),
                                   opened_at=NOW - dt.timedelta(hours=3), sealed_at=NOW - dt.timedelta(hours=2))
    Sampling.objects.bulk_create([Sampling(sample=sample, resident=p, id_number=p.id_number, name=p.name,
                                           division=p.grid, sampled_at=NOW - dt.timedelta(hours=3)) for p in people])
    return sample


def _alerts(user: User):
    return Notification.objects.filter(user=user, kind="alert", title__startswith="核酸混管阳性")


def test_it_alerts_the_command_centre_and_the_cdc_on_a_positive_pool(users, village):
    _sealed_tube(village, "PA0001", 8)
    _sealed_tube(village, "PA0002", 4)  # negative: no alert for it
    ingest_results([ResultRow(2, "PA0001", "positive", 27.5, 29.0, NOW), ResultRow(3, "PA0002", "negative", None,
                                                                                  None, NOW)],
                   new_batch(users["lab"]), now=NOW)
    for who in ("commander", "cdc"):
        (alert,) = _alerts(users[who])
        assert alert.title == "核酸混管阳性:1管,涉及8人"
        assert "PA0001" in alert.body and "PA0002" not in alert.body
        assert alert.url == "/testing/resampling/" and alert.read_at is None
    alerted = set(Notification.objects.filter(title__startswith="核酸混管阳性").values_list("user_id", flat=True))
    assert alerted == set(User.objects.filter(roles__role__in=[Role.COMMAND_CENTER, Role.CDC], is_active=True)
                          .values_list("pk", flat=True))
    # The lab (which wrote the result) and a grid worker get no command-centre alert.
    assert not _alerts(users["lab"]).exists() and not _alerts(users["grid"]).exists()


def test_it_sums_several_positive_pools_in_one_alert_and_ignores_an_invalid_one(users, village):
    _sealed_tube(village, "PB0001", 5)
    _sealed_tube(village, "PB0002", 3)
    _sealed_tube(village, "PB0003", 2)
    ingest_results([ResultRow(2, "PB0001", "positive", 30.0, None, NOW), ResultRow(3, "PB0002", "positive", 31.0,
                                                                                  None, NOW),
                    ResultRow(4, "PB0003", "invalid", None, None, NOW)], new_batch(users["lab"]), now=NOW)
    (alert,) = _alerts(users["commander"])
    assert alert.title == "核酸混管阳性:2管,涉及8人"
    assert "PB0001" in alert.body and "PB0002" in alert.body and "PB0003" not in alert.body
