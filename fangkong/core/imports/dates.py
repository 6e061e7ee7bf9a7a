"""Dates and times as users write them in spreadsheets: Excel serials, 2022年7月1日, 下午3点."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone

from ..identity import InvalidValue
from .columns import as_text, is_blank, normalize_text

_CN_DIGITS = {"〇": 0, "零": 0, "O": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_CN_NUMBER = re.compile(r"[〇零一二两三四五六七八九十]+")
_DATE_YMD = re.compile(r"^(\d{4}|\d{2})\s*[年/\-.]\s*(\d{1,2})\s*[月/\-.]\s*(\d{1,2})\s*[日号]?")
_DATE_MD = re.compile(r"^(\d{1,2})\s*[月/\-.]\s*(\d{1,2})\s*[日号]?")
_TIME = re.compile(
    r"^[T\s]*(凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜间|夜里)?\s*(\d{1,2})\s*[:时点](?:\s*(\d{1,2}|半)\s*分?)?"
    r"(?:\s*[:]?\s*(\d{1,2})\s*秒?)?(?:\.\d+)?\s*$"
)
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # noqa: DTZ001 — a wall-clock value, made aware later; serial 1 = 1900-01-01 (Lotus' phantom 1900-02-29 folded in)


def _cn_numerals(value: str) -> str:
    """二〇二二年七月十一日 → 2022年7月11日 (digit runs and 十 as in dates)."""

    def convert(match: re.Match) -> str:
        s = match.group(0)
        if "十" not in s:
            return "".join(str(_CN_DIGITS[c]) for c in s)
        tens, _, ones = s.partition("十")
        return str((_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0))

    return _CN_NUMBER.sub(convert, value)


def _two_digit_year(yy: int) -> int:
    this = timezone.localdate().year % 100
    return 2000 + yy if yy <= this else 1900 + yy


def _from_serial(number: float) -> dt.datetime:
    if not 1 <= number < 2958466:
        raise InvalidValue(f"日期“{as_text(number)}”不是有效的日期")
    return _EXCEL_EPOCH + dt.timedelta(days=number)


def _split_date(value: str, year: int | None) -> tuple[dt.date, str]:
    """The date at the start of `value` and what follows it."""
    original = value
    value = _cn_numerals(normalize_text(value) or "")
    if not value:
        raise InvalidValue("日期为空")
    if re.fullmatch(r"\d{8}", value[:8]) and (len(value) == 8 or not value[8].isdigit()):
        y, m, d, rest = int(value[:4]), int(value[4:6]), int(value[6:8]), value[8:]
    elif re.fullmatch(r"\d{5}(\.\d+)?", value) and 10000 <= float(value) < 80000:
        serial = _from_serial(float(value))  # a serial that went through a CSV export
        return serial.date(), serial.strftime("%H:%M:%S") if serial.time() != dt.time() else ""
    elif match := _DATE_YMD.match(value):
        y, m, d = (int(g) for g in match.groups())
        y = _two_digit_year(y) if len(match.group(1)) == 2 else y
        rest = value[match.end():]
    elif match := _DATE_MD.match(value):
        y = year or timezone.localdate().year
        m, d = int(match.group(1)), int(match.group(2))
        rest = value[match.end():]
    else:
        raise InvalidValue(f"日期“{original}”无法识别,请写成2022-07-01或2022年7月1日")
    try:
        return dt.date(y, m, d), rest
    except ValueError:
        raise InvalidValue(f"日期“{original}”不存在") from None


def parse_date(value: Any, *, year: int | None = None) -> dt.date:
    """A date from an Excel date cell, an Excel serial or the usual Chinese written forms.

    2022年7月1日, 2022/7/1, 2022.07.01, 2022-07-01, 20220701, 22.7.1, 二〇二二年七月一日, and
    7月1日 (the year from `year`, else this year). A time after the date is ignored.
    """
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 19000101 <= value <= 21001231:
            return _split_date(str(int(value)), year)[0]
        return _from_serial(float(value)).date()
    if is_blank(value):
        raise InvalidValue("日期为空")
    return _split_date(str(value), year)[0]


def _parse_time(rest: str, original: object) -> dt.time:
    rest = rest.strip()
    if not rest:
        return dt.time()
    match = _TIME.match(rest)
    if not match:
        raise InvalidValue(f"时间“{original}”无法识别,请写成2022-07-01 14:30")
    period, hour, minute, second = match.groups()
    hour = int(hour)
    minute = 30 if minute == "半" else int(minute or 0)
    second = int(second or 0)
    if period in ("下午", "傍晚", "晚上", "夜间", "夜里") and hour < 12:
        hour += 12
    elif period == "中午" and hour < 11:
        hour += 12
    elif period == "凌晨" and hour == 12:
        hour = 0
    try:
        return dt.time(hour, minute, second)
    except ValueError:
        raise InvalidValue(f"时间“{original}”不存在") from None


def parse_datetime(value: Any, *, year: int | None = None) -> dt.datetime:
    """An aware datetime (current time zone) from a cell: Excel date/serial or Chinese text.

    2022-07-01 14:30, 2022年7月1日14时30分, 2022/7/1 下午3点, 7月1日 15:00, ISO 8601 with offset.
    A bare date means midnight.
    """
    if isinstance(value, dt.datetime):
        naive = value
    elif isinstance(value, dt.date):
        naive = dt.datetime.combine(value, dt.time())
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 19000101 <= value <= 21001231:
            naive = dt.datetime.combine(parse_date(value), dt.time())
        else:
            naive = _from_serial(float(value)).replace(microsecond=0)
    elif is_blank(value):
        raise InvalidValue("时间为空")
    else:
        from django.utils.dateparse import parse_datetime as iso

        try:
            parsed = iso(str(value).strip())
        except ValueError:
            parsed = None
        if parsed is not None:
            naive = parsed
        else:
            day, rest = _split_date(str(value), year)
            naive = dt.datetime.combine(day, _parse_time(rest, value))
    if timezone.is_aware(naive):
        return naive
    return timezone.make_aware(naive, timezone.get_current_timezone())
