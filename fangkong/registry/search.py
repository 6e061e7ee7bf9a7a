"""Person search: by ID number, phone, name or pinyin — always on a queryset already scoped to the user.

What a grid worker types is often partial: the last four digits of an ID number, a number read
off a masked list (4101********1234), the first digits of an ID (region and birth date), a
phone, a surname, or pinyin initials (zxm for 张小明). Several words narrow each other down
("张 1234"). The caller passes `Resident.objects.restrict(user)`; this module never widens it.
The same conditions find screening's persons (who need not be residents) and their tasks.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.apps import apps
from django.db.models import Q, QuerySet

from fangkong.core.identity import InvalidValue, clean_id_number, to_halfwidth

from .models import Resident

_HAS_CJK = re.compile(r"[\u3400-\u9fff]")
_MASKED = re.compile(r"^([0-9]*)[*＊]+([0-9]*[0-9X]?)$")
_DIGITS = re.compile(r"^[0-9]+[0-9X]?$")
_LATIN = re.compile(r"^[a-z]+$")


def _ends_with(f: Callable[[str], str], field: str, tail: str, tails: bool) -> Q:
    """`field` ends with `tail`, through the indexed last-four column when the model has one
    (`tails`) and the tail has four or more digits."""
    if len(tail) < 4 or not tails:
        return Q(**{f(f"{field}__endswith"): tail})
    short = f"{field.removesuffix('_number')}_tail"  # id_tail, phone_tail
    if len(tail) == 4:
        return Q(**{f(short): tail})
    return Q(**{f(short): tail[-4:], f(f"{field}__endswith"): tail})


def _digits_term(f: Callable[[str], str], term: str, tails: bool) -> Q:
    """A term of digits (an ID number ends in X or x): whole, first or last digits of an ID or phone."""
    if len(term) == 11 and term.startswith("1") and term.isdigit():
        return Q(**{f("phone"): term})
    if len(term) in (15, 18):
        try:
            return Q(**{f("id_number"): clean_id_number(term)})
        except InvalidValue:
            return Q(**{f("id_number"): term})
    q = _ends_with(f, "id_number", term, tails) | _ends_with(f, "phone", term, tails)
    if len(term) >= 6:
        # A region code (+ birth date) or the first digits of a phone.
        q |= Q(**{f("id_number__startswith"): term}) | Q(**{f("phone__startswith"): term})
    return q


def _term(f: Callable[[str], str], term: str, tails: bool) -> Q | None:
    """The condition of one search word, or None when the word cannot match anything."""
    upper = term.upper()
    masked = _MASKED.match(upper)
    if masked and (masked.group(1) or masked.group(2)):
        head, tail = masked.groups()
        return (Q(**{f("id_number__startswith"): head}) & _ends_with(f, "id_number", tail, tails)) | \
            (Q(**{f("phone__startswith"): head}) & _ends_with(f, "phone", tail, tails))
    if _DIGITS.match(upper):
        return _digits_term(f, upper, tails) if len(upper) >= 4 else None
    if _HAS_CJK.search(term):
        return Q(**{f("name__startswith"): term}) if len(term) == 1 else Q(**{f("name__contains"): term})
    low = term.lower()
    if _LATIN.match(low):
        # Initials (zxm, or the first of them) or the start of the full pinyin (zhangx…).
        return Q(**{f("name_initials__startswith"): low}) | Q(**{f("name_pinyin__startswith"): low})
    return None


def words_of(query: str) -> list[str]:
    """The search words of `query`: "152 4998 2352" or "4101-0219…" is one number typed in groups."""
    text = to_halfwidth(query or "").strip()
    compact = re.sub(r"[\s-]+", "", text)
    words = [compact] if _DIGITS.match(compact.upper()) else re.split(r"[\s,，、]+", text)
    return [w for w in words if w]


def people_condition(query: str, *, prefix: str = "", tails: bool = False) -> Q | None:
    """The condition "matches every word of `query`" on a model with name, name_initials,
    name_pinyin, id_number and phone (reached through `prefix`, e.g. "person__"); `tails` when it
    has the indexed id_tail / phone_tail columns. None for an empty or meaningless query."""
    words = words_of(query)
    if not words:
        return None
    condition = Q()
    for word in words:
        term = _term(lambda name: prefix + name, word, tails)
        if term is None:
            return None
        condition &= term
    return condition


def search_residents(qs: QuerySet[Resident], query: str) -> QuerySet[Resident]:
    """Residents of `qs` that match every word of `query`; none for an empty or meaningless query."""
    condition = people_condition(query, tails=True)
    return qs.none() if condition is None else qs.filter(condition)


def search_risk_persons(user, query: str) -> QuerySet:
    """涉疫风险人员 (screening's persons, whether in the registry or not) that `user` may see and
    that match `query`, newest first; merged-away records are left out (their keeper is found)."""
    person = apps.get_model("screening", "Person")  # by name: the registry does not import screening
    condition = people_condition(query)
    qs = person.objects.restrict(user).filter(merged_into__isnull=True)
    return qs.none() if condition is None else qs.filter(condition).select_related("division")
