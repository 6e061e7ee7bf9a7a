"""Column-wise fast paths of the identity cleaners, for lists of a hundred thousand rows.

Most cells of a list are already canonical: 18-digit ID numbers with the right province, birth
date and check digit, plain 11-digit mobile numbers. `canonical_ids` and `canonical_phones` pick
those out of a whole column at once (numpy over the bytes, one regex pass), and `prime` puts
them into a cleaner's memo as their own cleaned value (`canonical_times` likewise reads plain
"2022-07-01 08:30" times), so the per-value Python cleaners
(`core.identity.clean_id_number`, `clean_phone`) only see the rest — the odd and the wrong
ones, whose precise Chinese reasons still come from those cleaners. Nothing here decides
anything the cleaners would not: a value is picked only when the cleaner returns it unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import numpy as np

from .identity import _WEIGHTS, PROVINCE_CODES

_ID18 = re.compile(r"\d{17}[\dX]", re.ASCII)
_MOBILE = re.compile(r"1[3-9]\d{9}", re.ASCII)
# Han characters (the unified block), ASCII letters and digits, the middle dot: nothing NFKC
# folds, no space, no "." (which `clean_name` turns into a middle dot).
_NAME = re.compile("[\u4e00-\u9fff0-9A-Za-z\u00b7]{1,40}")
_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?", re.ASCII)
_PROVINCES = np.zeros(100, dtype=bool)
_PROVINCES[[int(c) for c in PROVINCE_CODES]] = True
_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)
_MONTH_DAYS = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
_EARLIEST = 18800101


def canonical_ids(values: Iterable[object]) -> dict[str, str]:
    """The distinct values that `clean_id_number` returns unchanged and the fast path of the
    importers accepts: 18 characters, digits and a final X, a known province, a real birth date
    between 1880-01-01 and today, the right check digit."""
    shaped = [v for v in set(values) if v.__class__ is str and len(v) == 18 and _ID18.fullmatch(v)]
    if not shaped:
        return {}
    a = np.frombuffer("".join(shaped).encode("ascii"), dtype=np.uint8).reshape(-1, 18)
    d = a[:, :17].astype(np.int64) - 48
    ok = _PROVINCES[d[:, 0] * 10 + d[:, 1]] & (_CHECK[(d @ np.array(_WEIGHTS)) % 11] == a[:, 17])
    year = d[:, 6] * 1000 + d[:, 7] * 100 + d[:, 8] * 10 + d[:, 9]
    month, day = d[:, 10] * 10 + d[:, 11], d[:, 12] * 10 + d[:, 13]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    last = np.where((month == 2) & ~leap, 28, _MONTH_DAYS[np.clip(month, 0, 12)])
    ymd = year * 10000 + month * 100 + day
    today = dt.date.today()  # noqa: DTZ011 — a calendar date, as the cleaners compare it
    ok &= (month >= 1) & (month <= 12) & (day >= 1) & (day <= last) & (ymd >= _EARLIEST) \
        & (ymd <= today.year * 10000 + today.month * 100 + today.day)
    return {v: v for v, good in zip(shaped, ok.tolist(), strict=True) if good}


def canonical_phones(values: Iterable[object]) -> dict[str, str]:
    """The distinct values that `clean_phone` returns unchanged: plain 11-digit mobile numbers."""
    match = _MOBILE.fullmatch
    return {v: v for v in set(values) if v.__class__ is str and len(v) == 11 and match(v)}


def canonical_names(values: Iterable[object]) -> dict[str, str]:
    """The distinct values that `clean_name` returns unchanged and that are plainly so: up to 40
    Han characters, ASCII letters and digits or middle dots (the rest is left to `clean_name`)."""
    match = _NAME.fullmatch
    return {v: v for v in set(values) if v.__class__ is str and match(v)}


def canonical_times(values: Iterable[object]) -> dict[str, dt.datetime]:
    """The distinct values written "2022-07-01 08:30" (or with seconds), as `core.imports.
    parse_datetime` reads them: that wall-clock time in the current time zone. A date that does
    not exist (2022-02-30) is left out, for the parser to word its reason."""
    from django.utils import timezone

    tz, match, out = timezone.get_current_timezone(), _TIME.fullmatch, {}
    for v in set(values):
        if v.__class__ is str and match(v):
            try:
                out[v] = dt.datetime.fromisoformat(v).replace(tzinfo=tz)
            except ValueError:
                pass
    return out


def prime(memo: dict, found: dict, limit: int | None = None) -> None:
    """Enter values already known clean in a cleaner's memo (emptied first when they would take
    it past `limit`, as the memo does itself)."""
    if limit is not None and len(memo) + len(found) > limit:
        memo.clear()
    memo.update(found)
