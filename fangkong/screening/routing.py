"""Where a person is managed and who verifies them: registry grid, else parsed address, else county.

`Router` loads the county's divisions and the responsible accounts once, so an import of a
million rows routes in memory without a query per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fangkong.core.choices import DivisionLevel, Role
from fangkong.core.identity import InvalidValue
from fangkong.core.models import Division, UserRole
from fangkong.core.scoping import in_subtree

# Who verifies at each level: the grid worker of a grid, else the village / township cadre.
RESPONSIBLE_ROLE = {
    DivisionLevel.GRID: Role.GRID_WORKER,
    DivisionLevel.VILLAGE: Role.VILLAGE_CADRE,
    DivisionLevel.TOWNSHIP: Role.TOWNSHIP_CADRE,
}
TOWNSHIP_PATH_LENGTH = 9


@dataclass
class Router:
    """In-memory maps of the county: division levels and paths, townships, responsible users."""

    county: Division
    level: dict[int, str] = field(default_factory=dict)
    path: dict[int, str] = field(default_factory=dict)
    township_by_path: dict[str, int] = field(default_factory=dict)
    responsible: dict[int, int] = field(default_factory=dict)
    cadres: dict[int, list[int]] = field(default_factory=dict)
    by_name: dict[str, int] = field(default_factory=dict)
    name_lengths: tuple[int, ...] = ()
    _by_address: dict[str, int | None] = field(default_factory=dict)  # lists repeat hotels and villages

    @classmethod
    def load(cls, county: Division | None = None) -> Router:
        county = county or county_division()
        router = cls(county=county)
        for pk, level, path, name in Division.objects.subtree(county).values_list("pk", "level", "path", "name"):
            router.level[pk], router.path[pk] = level, path
            if level == DivisionLevel.TOWNSHIP:
                router.township_by_path[path] = pk
            if level in (DivisionLevel.TOWNSHIP, DivisionLevel.VILLAGE) and len(name) >= 2:
                router.by_name.setdefault(name, pk)
        rows = (in_subtree(UserRole.objects.filter(role__in=list(RESPONSIBLE_ROLE.values()), user__is_active=True),
                           "user__division", county)
                .order_by("user__username").values_list("role", "user__division_id", "user_id"))
        for role, division_id, user_id in rows:
            if RESPONSIBLE_ROLE.get(router.level.get(division_id)) == role:
                router.responsible.setdefault(division_id, user_id)
            if role == Role.TOWNSHIP_CADRE:
                router.cadres.setdefault(division_id, []).append(user_id)
        # Longest names first so 东关村 wins over 东关 when both exist.
        router.name_lengths = tuple(sorted({len(n) for n in router.by_name}, reverse=True))
        return router

    def township_of(self, division_id: int) -> int | None:
        path = self.path.get(division_id, "")
        return self.township_by_path.get(path[:TOWNSHIP_PATH_LENGTH]) if len(path) >= TOWNSHIP_PATH_LENGTH else None

    def division_from_address(self, address: str) -> int | None:
        """The deepest village / township named in a free-text address, else None."""
        if not address:
            return None
        if address in self._by_address:
            return self._by_address[address]
        if len(self._by_address) > 200_000:
            self._by_address.clear()
        self._by_address[address] = found = self._scan_address(address)
        return found

    def _scan_address(self, address: str) -> int | None:
        # A scan of substrings against a dict: a few dozen lookups per address, whatever the county size.
        found = [self.by_name[address[i:i + n]] for i in range(len(address)) for n in self.name_lengths
                 if address[i:i + n] in self.by_name]
        if not found:
            return None
        return max(found, key=lambda pk: len(self.path[pk]))

    def assignee_for(self, division_id: int) -> int | None:
        """The grid worker of a grid, the cadre of a village / township; None at county level."""
        return self.responsible.get(division_id)

    def township_cadres(self, division_id: int) -> list[int]:
        township = self.township_of(division_id)
        return self.cadres.get(township, []) if township else []


NO_COUNTY = "尚未建立行政区划(县),无法导入或登记;请先导入行政区划"


def county_division():
    """The county; an empty database (no divisions yet) answers in Chinese (InvalidValue)."""
    county = Division.objects.filter(level=DivisionLevel.COUNTY).order_by("path").first()
    if county is None:
        raise InvalidValue(NO_COUNTY)
    return county
