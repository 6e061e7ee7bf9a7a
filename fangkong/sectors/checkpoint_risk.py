"""Is a place people write at a checkpoint ("河北省石家庄市藁城区", "上海浦东新区张江镇") a risk area
on a day? Control's risk-area history (`control.RiskArea`, by date) read once per registration
or import, matched in memory.

A listed area matches a written place when each of its name parts (province, city, county,
township, community; an empty part matches anything) occurs in the text, its administrative
suffix dropped (上海市 → 上海, 浦东新区 → 浦东新), so "上海浦东新区" and "上海市浦东新区" both match;
a text that names no province at all ("石家庄市藁城区") is matched on its lower parts. Where an
area was in force is a date range (`effective_from` ≤ day < `lifted_on`): the origin is checked
on the day of arrival, a vehicle's stopovers on any day of the 14 before it (`STOPOVER_DAYS`).
Which areas a text names is worked out once per distinct text (lists repeat the same places);
the day is then a check over those few areas.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q

STOPOVER_DAYS = 14
SUFFIXES = ("特别行政区", "自治区", "自治州", "省", "市", "区", "县", "旗", "盟", "镇", "乡", "街道", "社区", "村")
PROVINCE_WORDS = re.compile(r"省|自治区|特别行政区|^(北京|天津|上海|重庆)")
STOPOVER_SPLIT = re.compile(r"[、,，;；/|\s]+")


def stem(name: str) -> str:
    """A place name without its administrative suffix, when at least two characters remain."""
    name = re.sub(r"\s", "", name or "")
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def split_stopovers(text: str) -> list[str]:
    return [p for p in STOPOVER_SPLIT.split(text or "") if p]


@dataclass(frozen=True, slots=True)
class Area:
    parts: tuple[str, ...]  # stems of province, city, county, township, community ("" = any)
    label: str
    level: str
    rank: int
    start: dt.date
    end: dt.date | None  # the first day no longer in force

    @property
    def level_label(self) -> str:
        from fangkong.control.choices import RiskLevel

        return str(RiskLevel(self.level).label)

    def in_force(self, first: dt.date, last: dt.date) -> bool:
        """In force on some day of [first, last]."""
        return self.start <= last and (self.end is None or self.end > first)


class Memo(dict):
    """key → what `compute(key)` gave, each key computed once; emptied past `LIMIT` keys, so that
    a long list's distinct places and days hold bounded memory."""

    LIMIT = 200_000
    __slots__ = ("compute",)

    def __init__(self, compute) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, key):
        if len(self) > self.LIMIT:
            self.clear()
        out = self[key] = self.compute(key)
        return out


class RiskMatcher:
    """The risk areas in force between `start - 14 days` and `end` (all of them without dates),
    matched against written places."""

    def __init__(self, start: dt.date | None = None, end: dt.date | None = None) -> None:
        from fangkong.control.models import RiskArea
        from fangkong.control.models.areas import NAME_FIELDS

        rows = RiskArea.objects.all()  # a list's dates are known once it is read: all periods (a small table)
        if start is not None and end is not None:
            first = start - dt.timedelta(days=STOPOVER_DAYS)
            rows = rows.filter(effective_from__lte=end).filter(Q(lifted_on__isnull=True) | Q(lifted_on__gt=first))
        self.areas = [Area(tuple(stem(getattr(a, f)) for f in NAME_FIELDS), a.place, a.level, a.rank,
                           a.effective_from, a.lifted_on) for a in rows]
        self._named = Memo(self._name)  # text → areas
        # The areas grouped by the first name part below the province each needs ("" for none):
        # a text is tried only against the groups whose part it contains (lists name thousands
        # of places, a county's history holds hundreds of areas).
        self._groups: dict[str, list[tuple[int, str, tuple[str, ...], Area]]] = {}
        for index, area in enumerate(self.areas):
            province, *rest = area.parts
            need = tuple(p for p in rest if p)
            self._groups.setdefault(need[0] if need else "", []).append((index, province, need, area))
        # What `match` and `check` found, per text (or trip) and day: a list repeats them.
        self._matched = Memo(self._match)  # (text, day, days before) → area
        self._checked = Memo(self._check)  # (origin, stopovers, day) → area

    def named(self, text: str) -> list[Area]:
        """The areas whose names `text` contains, worst first (memoised per text)."""
        return self._named[text]

    def _name(self, text: str) -> list[Area]:
        flat = re.sub(r"\s", "", text or "")
        bare = not PROVINCE_WORDS.search(flat)
        hits: list[tuple[int, Area]] = []
        if flat:
            for first, group in self._groups.items():
                if first and first not in flat:
                    continue
                for index, province, need, area in group:
                    if province and province not in flat and not (bare and need):
                        continue
                    if all(p in flat for p in need):
                        hits.append((index, area))
        hits.sort(key=lambda hit: (-hit[1].rank, hit[0]))  # worst first, then in the areas' order
        return [area for _index, area in hits]

    def match(self, text: str, on: dt.date, *, days_before: int = 0) -> Area | None:
        """The worst area named by `text` in force on `on` (or on any of the `days_before` before it)."""
        return self._matched[(text, on, days_before)]

    def _match(self, key: tuple[str, dt.date, int]) -> Area | None:
        text, on, days_before = key
        first = on - dt.timedelta(days=days_before)
        return next((area for area in self.named(text) if area.in_force(first, on)), None)

    def check(self, origin: str, stopovers: str, on: dt.date) -> Area | None:
        """A trip's risk: its origin on the day of arrival, else any stopover in the 14 days before."""
        return self._checked[(origin, stopovers, on)]

    def _check(self, key: tuple[str, str, dt.date]) -> Area | None:
        origin, stopovers, on = key
        area = self.match(origin, on) if origin else None
        if area is None:
            for place in split_stopovers(stopovers):
                area = self.match(place, on, days_before=STOPOVER_DAYS)
                if area is not None:
                    break
        return area
