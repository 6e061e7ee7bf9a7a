"""Columns of an import and the values of their cells: header matching, text cleaners."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..identity import InvalidValue

Cleaner = Callable[[Any], Any]


class ReadError(InvalidValue):
    """The file as a whole cannot be read (wrong type, damaged, no header row)."""


# --------------------------------------------------------------------------------------------
# Columns and header matching


def normalize_header(text: object) -> str:
    """A header as compared with aliases: half-width, no spaces, no required-marks, lower case."""
    value = unicodedata.normalize("NFKC", str(text or ""))
    value = re.sub(r"[\s*※:_]", "", value)
    return value.lower()


def _header_forms(text: object) -> tuple[str, ...]:
    """The header itself and, if it has a bracketed note (身份证号(18位)), the header without it."""
    full = normalize_header(text)
    bare = re.sub(r"[(\[【{<《].*?[)\]】}>》]", "", full)
    return (full, bare) if bare and bare != full else (full,)


@dataclass(frozen=True)
class Column:
    """One field of an import: `key` in code, `label` in the UI, `aliases` as users write it."""

    key: str
    label: str
    aliases: Sequence[str] = ()
    required: bool = False
    clean: Cleaner | None = None

    def names(self) -> set[str]:
        return {normalize_header(n) for n in (self.label, self.key, *self.aliases)}


def match_headers(headers: Sequence[object], columns: Sequence[Column]) -> dict[str, int]:
    """Column key → index of the first header that names it (exact, after normalising)."""
    lookup: dict[str, str] = {}
    for column in columns:
        for name in column.names():
            lookup.setdefault(name, column.key)
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        if header is None or header == "":
            continue
        for form in _header_forms(header):
            key = lookup.get(form)
            if key is not None and key not in mapping:
                mapping[key] = index
                break
    return mapping


# --------------------------------------------------------------------------------------------
# Cell values


def normalize_text(value: str) -> str | None:
    """Trimmed, full-width folded text; None when empty. CSV exports' ="0123" and '0123 unwrapped."""
    value = value.strip()
    if not value:
        return None
    if value[0] in "'=":
        if value.startswith('="') and value.endswith('"'):
            value = value[2:-1].strip()
        elif value[0] == "'":
            value = value[1:].strip()
        if not value:
            return None
    if not value.isascii() and not unicodedata.is_normalized("NFKC", value):
        value = unicodedata.normalize("NFKC", value).strip()
    return value or None


def _cell(value: Any) -> Any:
    if value.__class__ is str:
        return normalize_text(value)
    return value


def as_text(value: Any) -> str:
    """Any cell as text: 12.0 → "12", dates as 2022-07-01, None → ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, str):
        return normalize_text(value) or ""
    return str(value)


def text(max_length: int | None = None, label: str = "") -> Cleaner:
    """Cleaner for free text, with a Chinese message when it is too long."""

    def clean(value: Any) -> str:
        result = as_text(value)
        if max_length is not None and len(result) > max_length:
            raise InvalidValue(f"{label}过长(最多{max_length}个字)")
        return result

    return clean


def choice(options: dict[str, str], label: str, hint: Sequence[str] = ()) -> Cleaner:
    """Cleaner mapping the words users write (在家, 外出 …) to stored values.

    `hint` names the words the error message suggests (default: every Chinese option).
    """
    table = {normalize_header(k): v for k, v in options.items()}

    def clean(value: Any) -> str:
        key = normalize_header(as_text(value))
        if key not in table:
            allowed = "、".join(hint or dict.fromkeys(k for k in options if not k.isascii()))
            raise InvalidValue(f"{label}“{as_text(value)}”无法识别,应为{allowed}之一")
        return table[key]

    return clean


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
