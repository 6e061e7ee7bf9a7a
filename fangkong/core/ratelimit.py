"""Rate limits shared by every app-server process: counts per key and fixed time window in the
database (`RateCount`), not in one process's memory, so several gunicorn workers (or several
servers behind the proxy) give one quota, not one each. Keys name the client by its real
address (`core.middleware.client_ip`, which believes X-Forwarded-For only from TRUSTED_PROXIES).

    if not ratelimit.allow(f"selfreport:{client_ip(request)}", limit=5, window=3600): → 429
"""

from __future__ import annotations

import random
import time

from django.db import connection, transaction

from .models import RateCount

PRUNE_ONE_IN = 100  # about one call in this many deletes the rows of windows that have passed


def _window(window: int, now: float | None) -> int:
    now = time.time() if now is None else now
    return int(now) // window * window


def count(key: str, *, window: int, now: float | None = None) -> int:
    """How often `key` was counted in the current window."""
    row = RateCount.objects.filter(key=key[:200], window_start=_window(window, now)).values_list("n", flat=True).first()
    return row or 0


def exceeded(key: str, *, limit: int, window: int, now: float | None = None) -> bool:
    """Whether `key` has used up its `limit` in the current window (counts nothing)."""
    return count(key, window=window, now=now) >= limit


def hit(key: str, *, window: int, now: float | None = None) -> int:
    """Count one use of `key` in the current window; returns the count including this one.
    One atomic upsert, the same SQL on PostgreSQL and SQLite: concurrent processes never lose a count."""
    start = _window(window, now)
    table = RateCount._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, window_start, n) VALUES (%s, %s, 1) "
            f"ON CONFLICT (key, window_start) DO UPDATE SET n = {table}.n + 1 RETURNING n", [key[:200], start])
        n = cursor.fetchone()[0]
    if random.random() < 1 / PRUNE_ONE_IN:
        RateCount.objects.filter(window_start__lt=start - window).delete()
    return n


def allow(key: str, *, limit: int, window: int, now: float | None = None) -> bool:
    """Count one use of `key` and say whether it is within `limit` uses per `window` seconds."""
    return hit(key, window=window, now=now) <= limit
