"""Cleaning one lead's raw values (any channel): names, ID numbers, phones, dates, its dedup key.

Moved out of `intake` unchanged (split by concern): the per-row code of a million-row import,
so each distinct value is cleaned once (`_Memo`) and the hot path stays in C.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from fangkong.core.canonical import canonical_ids, canonical_phones, prime
from fangkong.core.identity import (
    PROVINCE_CODES,
    InvalidValue,
    check_digit,
    clean_id_number,
    clean_name,
    clean_phone,
    receipt_code,
)

from .choices import BigDataSource, Channel, LeadKind, PersonStatus, VerificationStatus
from .reader import parse_datetime

CHUNK = 5000
# Plain strings in the per-row loops: each enum attribute access is a Python call.
VERIFYING, OPEN, DOMESTIC = PersonStatus.VERIFYING.value, VerificationStatus.OPEN.value, LeadKind.DOMESTIC.value
ABROAD_WORDS = ("境外", "国外", "入境", "是")


@dataclass
class LeadInput:
    """One cleaned lead, before it is resolved to a person."""

    row: int | None = None
    name: str = ""
    id_number: str = ""
    phone: str = ""
    address: str = ""
    origin: str = ""
    arrived_at: dt.datetime | None = None
    pushed_at: dt.datetime | None = None
    source: str = ""
    kind: str = LeadKind.DOMESTIC
    note: str = ""
    receipt_code: str | None = None
    reported_by_id: int | None = None
    division_hint_id: int | None = None  # e.g. the grid of the worker who found the person
    dedup: str = ""  # the dedup key when already computed (imports compute it while reading)

    def key(self, channel: str) -> str:
        return dedup_key(channel, self.source, self.id_number, self.phone, self.name, self.origin, self.address,
                         self.arrived_at, self.pushed_at)


def _stamp(value: dt.datetime) -> tuple[str, str]:
    """(seconds since the epoch, its UTC day as YYYYMMDD) of an aware datetime, memoised."""
    out = _STAMPS.get(value)
    if out is None:
        if len(_STAMPS) > 100_000:
            _STAMPS.clear()
        out = _STAMPS[value] = (str(int(value.timestamp())), value.astimezone(dt.UTC).strftime("%Y%m%d"))
    return out


_STAMPS: dict[dt.datetime, tuple[str, str]] = {}


def dedup_key(channel: str, source: str, id_number: str, phone: str, name: str, origin: str, address: str,
              arrived_at: dt.datetime | None, pushed_at: dt.datetime | None) -> str:
    """The lead's dedup key: the day it was pushed (or arrived), then a digest of its cleaned values.

    The day in front keeps inserts into the unique index close together (lists arrive day by
    day), where a bare digest would touch index pages all over the file. Times enter as epoch
    seconds, so the same instant written in another time zone gives the same key.
    """
    arrived, arrived_day = _stamp(arrived_at) if arrived_at else ("", "")
    pushed, pushed_day = _stamp(pushed_at) if pushed_at else ("", "")
    text = "\x1f".join((channel, source, id_number, phone, name, origin, address, arrived, pushed))
    return (pushed_day or arrived_day or "00000000") + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:32]



_ID18 = re.compile(r"^\d{17}[\dX]$")
_EARLIEST_BIRTH = dt.date(1880, 1, 1)


_TODAY: list = [-60.0, dt.date.min]  # when it was read, the date


def _today() -> dt.date:
    """Today's date, read again at most once a minute (`date.today()` costs a microsecond a row)."""
    now = time.monotonic()
    if now - _TODAY[0] > 60:
        _TODAY[:] = [now, dt.date.today()]  # noqa: DTZ011 — a calendar date
    return _TODAY[1]


def _clean_id_fast(value: object) -> str:
    """clean_id_number with a fast path for canonical numbers (lists repeat the same people)."""
    if isinstance(value, str) and _ID18.match(value) and value[:2] in PROVINCE_CODES \
            and value[17] == check_digit(value[:17]):
        try:
            birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
        except ValueError:
            birth = None
        if birth and _EARLIEST_BIRTH <= birth <= _today():
            return value
    return clean_id_number(value)  # the slow path gives the precise Chinese reason


def _parse_full_datetime(value: object) -> dt.datetime | None:
    # Text without its year ("7月1日") depends on today, so it is parsed each time.
    if not isinstance(value, str) or value[:4].isdigit():
        return parse_datetime(value)
    raise _NotMemoisable


class _NotMemoisable(Exception):
    pass


class _Memo(dict):
    """value → cleaned value (or the InvalidValue it raised), each distinct value cleaned once.

    A dict with `__missing__` keeps the hit path in C: a million-row list repeats the same
    people, dates and places, and a row costs a few dictionary lookups.
    """

    __slots__ = ("clean", "limit")

    def __init__(self, clean, limit: int = 500_000) -> None:
        super().__init__()
        self.clean, self.limit = clean, limit

    def __missing__(self, value: object) -> object:
        try:
            out = self.clean(value)
        except InvalidValue as exc:
            out = exc.detached()
        except _NotMemoisable:
            try:
                return parse_datetime(value)
            except InvalidValue as exc:
                return exc.detached()
        if len(self) >= self.limit:
            self.clear()
        try:
            self[value] = out
        except TypeError:  # an unhashable cell value
            pass
        return out


_NAMES, _IDS, _PHONES, _DATES = _Memo(clean_name), _Memo(_clean_id_fast), _Memo(clean_phone), \
    _Memo(_parse_full_datetime, 100_000)
_BLANK = (None, "")


def prime_lead_memos(raws: list[dict]) -> None:
    """A chunk's canonical ID numbers and mobiles entered in the memos at once (`core.canonical`),
    before its rows are cleaned one by one."""
    prime(_IDS, canonical_ids([r.get("id_number") for r in raws]), _IDS.limit)
    prime(_PHONES, canonical_phones([r.get("phone") for r in raws]), _PHONES.limit)


def clean_lead(raw: dict, *, channel: str, source: str = "") -> LeadInput:
    """Clean one row's raw values; raise InvalidValue with every reason joined by ';'."""
    values = []
    reasons: list[str] = []
    for key, memo in (("name", _NAMES), ("id_number", _IDS), ("phone", _PHONES)):
        value = raw.get(key)
        out = "" if value in _BLANK else memo[value]
        if isinstance(out, InvalidValue):
            reasons.append(str(out))
            out = ""
        values.append(out)
    for key in ("arrived_at", "pushed_at"):
        value = raw.get(key)
        out = None if value in _BLANK else _DATES[value]
        if isinstance(out, InvalidValue):
            reasons.append(str(out))
            out = None
        values.append(out)
    name, id_number, phone, arrived_at, pushed_at = values
    if not id_number and not phone and not reasons:
        reasons.append("身份证号和手机号至少填写一项")
    if reasons:
        raise InvalidValue(";".join(reasons))
    address, origin, note = raw.get("address"), raw.get("origin"), raw.get("note")
    kind = raw.get("kind")
    if kind is None:
        kind = DOMESTIC
    else:
        text_kind = str(kind).strip()
        kind = LeadKind.FROM_ABROAD if kind == LeadKind.FROM_ABROAD or any(
            w == text_kind or (w != "是" and w in text_kind) for w in ABROAD_WORDS) else LeadKind.DOMESTIC
    if raw.get("source") and not source:
        source = _source_value(str(raw["source"]).strip(), channel)
    return LeadInput(None, name, id_number, phone, str(address).strip()[:255] if address else "",
                     str(origin).strip()[:255] if origin else "", arrived_at, pushed_at, source, kind,
                     str(note).strip()[:2000] if note else "")


def _source_value(text: str, channel: str) -> str:
    if channel == Channel.BIG_DATA:
        for choice in BigDataSource:
            if text in (choice.value, str(choice.label)):
                return choice.value
    return text[:64]


def new_receipt_code() -> str:
    return receipt_code(8)


def chunked(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk

