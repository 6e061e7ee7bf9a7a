"""Person search: by ID number, phone, name or pinyin initials — always inside the user's scope."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from fangkong.core.identity import to_halfwidth

from .models import Resident

_HAS_CJK = re.compile(r"[\u3400-\u9fff]")


def search_residents(qs: QuerySet[Resident], query: str) -> QuerySet[Resident]:
    q = re.sub(r"\s+", "", to_halfwidth(query or "")).upper()
    if not q:
        return qs.none()
    if q[:-1].isdigit() and len(q) >= 6 and (q[-1].isdigit() or q[-1] == "X"):
        if len(q) == 11 and q.startswith("1"):
            return qs.filter(phone=q)
        if len(q) in (15, 18):
            from fangkong.core.identity import InvalidValue, clean_id_number

            try:
                return qs.filter(id_number=clean_id_number(q))
            except InvalidValue:
                return qs.filter(id_number=q)
        # partial: last digits of an ID number or a phone
        return qs.filter(Q(id_number__endswith=q) | Q(phone__endswith=q))
    if _HAS_CJK.search(q):
        return qs.filter(name__startswith=q) if len(q) < 2 else qs.filter(name=q) | qs.filter(name__startswith=q)
    low = q.lower()
    return qs.filter(Q(name_initials=low) | Q(name_pinyin__startswith=low))
