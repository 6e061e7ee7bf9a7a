"""Person search: by ID number, phone, name or pinyin — always on a queryset already scoped to the user.

What a grid worker types is often partial: the last four digits of an ID number, a number read
off a masked list (4101********1234), the first digits of an ID (region and birth date), a
phone, a surname, or pinyin initials (zxm for 张小明). Several words narrow each other down
("张 1234"). The caller passes `Resident.objects.restrict(user)`; this module never widens it.
"""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from fangkong.core.identity import InvalidValue, clean_id_number, to_halfwidth

from .models import Resident

_HAS_CJK = re.compile(r"[\u3400-\u9fff]")
_MASKED = re.compile(r"^([0-9]*)[*＊]+([0-9]*[0-9X]?)$")
_DIGITS = re.compile(r"^[0-9]+[0-9X]?$")
_LATIN = re.compile(r"^[a-z]+$")


def _ends_with(field: str, tail: str) -> Q:
    """`field` ends with `tail`, through the indexed last-four column when the tail has four or more."""
    if len(tail) < 4:
        return Q(**{f"{field}__endswith": tail})
    short = f"{field.removesuffix('_number')}_tail"  # id_tail, phone_tail
    if len(tail) == 4:
        return Q(**{short: tail})
    return Q(**{short: tail[-4:], f"{field}__endswith": tail})


def _digits_term(term: str) -> Q:
    """A term of digits (an ID number ends in X or x): whole, first or last digits of an ID or phone."""
    if len(term) == 11 and term.startswith("1") and term.isdigit():
        return Q(phone=term)
    if len(term) in (15, 18):
        try:
            return Q(id_number=clean_id_number(term))
        except InvalidValue:
            return Q(id_number=term)
    q = _ends_with("id_number", term) | _ends_with("phone", term)
    if len(term) >= 6:
        # A region code (+ birth date) or the first digits of a phone.
        q |= Q(id_number__startswith=term) | Q(phone__startswith=term)
    return q


def _term(term: str) -> Q | None:
    """The condition of one search word, or None when the word cannot match anything."""
    upper = term.upper()
    masked = _MASKED.match(upper)
    if masked and (masked.group(1) or masked.group(2)):
        head, tail = masked.groups()
        return (Q(id_number__startswith=head) & _ends_with("id_number", tail)) | \
            (Q(phone__startswith=head) & _ends_with("phone", tail))
    if _DIGITS.match(upper):
        return _digits_term(upper) if len(upper) >= 4 else None
    if _HAS_CJK.search(term):
        return Q(name__startswith=term) if len(term) == 1 else Q(name__contains=term)
    low = term.lower()
    if _LATIN.match(low):
        # Initials (zxm, or the first of them) or the start of the full pinyin (zhangx…).
        return Q(name_initials__startswith=low) | Q(name_pinyin__startswith=low)
    return None


def search_residents(qs: QuerySet[Resident], query: str) -> QuerySet[Resident]:
    """Residents of `qs` that match every word of `query`; none for an empty or meaningless query."""
    text = to_halfwidth(query or "").strip()
    compact = re.sub(r"[\s-]+", "", text)
    # "152 4998 2352" or "4101-0219…" is one number typed in groups, not several words.
    words = [compact] if _DIGITS.match(compact.upper()) else re.split(r"[\s,，、]+", text)
    words = [w for w in words if w]
    if not words:
        return qs.none()
    for word in words:
        condition = _term(word)
        if condition is None:
            return qs.none()
        qs = qs.filter(condition)
    return qs
