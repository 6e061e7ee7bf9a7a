"""ID numbers of persons with pending scheduled tests, kept for a short while.

A mass-testing round sends one `result_recorded` per resident (hundreds of thousands); only
the few persons with pending scheduled tests matter, so the receiver checks this set instead
of querying per signal. Creating tests in this process clears it at once (and again on
commit); other processes see new tests within PENDING_TTL_SECONDS.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import transaction

from .choices import MeasureStatus, TestStatus

PENDING_TTL_SECONDS = 60
_cache: dict[str, Any] = {"ids": None, "at": 0.0}


def forget() -> None:
    _cache["ids"] = None
    transaction.on_commit(lambda: _cache.update(ids=None))


def has_pending(id_number: str) -> bool:
    from .models import ScheduledTest

    now = time.monotonic()
    if _cache["ids"] is None or now - _cache["at"] > PENDING_TTL_SECONDS:
        _cache["ids"] = frozenset(ScheduledTest.objects.filter(
            status=TestStatus.PENDING, measure__status=MeasureStatus.ACTIVE).values_list("person__id_number", flat=True))
        _cache["at"] = now
    return id_number in _cache["ids"]
