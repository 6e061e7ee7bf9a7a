"""The synthetic county: a deterministic (seeded) county with townships, villages, grids of
about 300 households, residents with valid ID numbers and phones, and demo accounts.

Demos, tests and benchmarks all build their data with `generate_county`. The same seed and
population always give the same county.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import operator
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.accounts import do_assign_role, do_create_user
from fangkong.core.actions import SYSTEM
from fangkong.core.bulk import analyze, insert_rows
from fangkong.core.choices import AuditAction, DivisionKind, DivisionLevel, Module, Role
from fangkong.core.identity import name_pinyin
from fangkong.core.models import Division, User, UserRole
from fangkong.core.shapes import generate_shapes

from . import names
from .choices import LiaisonLevel, ResidentStatus, Sex
from .models import Household, Liaison, Resident

DEMO_PASSWORD = "fangkong-demo-2026"
HOUSEHOLDS_PER_GRID = 300
REFERENCE_DATE = dt.date(2022, 7, 1)  # ages are computed against the outbreak year of the seeds
# Plain strings (the values), not the members: they go into rows written without the ORM.
MALE, FEMALE = Sex.MALE.value, Sex.FEMALE.value


@dataclass
class CountySpec:
    code: str = "130724"
    name: str = "坝上示范县"
    population: int = 300_000
    seed: int = 2022
    reference_date: dt.date = REFERENCE_DATE


@dataclass
class GeneratedCounty:
    county: Division
    townships: list[Division] = field(default_factory=list)
    villages: list[Division] = field(default_factory=list)
    grids: list[Division] = field(default_factory=list)
    households: int = 0
    residents: int = 0
    users: dict[str, User] = field(default_factory=dict)


class _Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.surnames = [s for s, _ in names.SURNAMES]
        self.cum = list(itertools.accumulate(w for _, w in names.SURNAMES))

    def surname(self) -> str:
        return self.surnames[bisect.bisect_left(self.cum, self.rng.random() * self.cum[-1])]

    _FIRST = {MALE: names.GIVEN_MALE + names.GIVEN_ANY, FEMALE: names.GIVEN_FEMALE + names.GIVEN_ANY}
    _SECOND = {MALE: names.GIVEN_MALE, FEMALE: names.GIVEN_FEMALE}

    def given(self, sex: str) -> str:
        key = MALE if sex == MALE else FEMALE
        first = self.rng.choice(self._FIRST[key])
        return first if self.rng.random() < 0.3 else first + self.rng.choice(self._SECOND[key])


def _age_for(rng: random.Random, role: str) -> int:
    """Ages by role in the household, shaped like a rural county's pyramid (many elderly)."""
    if role == "head":
        return min(95, max(20, int(rng.triangular(22, 88, 52))))
    if role == "child":
        return max(0, int(rng.triangular(0, 40, 10)))
    if role == "parent":
        return min(100, max(55, int(rng.triangular(55, 100, 75))))
    return max(18, int(rng.triangular(20, 85, 50)))


# GB 11643's check digit, as core.identity.check_digit computes it, in the form that is
# fastest for 300,000 numbers (test_generator checks they agree).
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


class _Ids:
    """Unique, valid ID numbers: order codes counted per region and birth date, parity by sex."""

    def __init__(self, rng: random.Random, county_code: str) -> None:
        self.rng = rng
        self.county_code = county_code
        self.next: dict[tuple[str, str, int], int] = {}

    def make(self, birth: dt.date, sex: str) -> str:
        region = self.county_code if self.rng.random() < 0.85 else self.rng.choice(names.OTHER_BIRTH_REGIONS)
        ymd = f"{birth.year:04d}{birth.month:02d}{birth.day:02d}"
        parity = 1 if sex == MALE else 0
        key = (region, ymd, parity)
        n = self.next.get(key)
        if n is None:
            n = self.rng.randrange(0, 400)
        self.next[key] = n + 1
        order = (n % 500) * 2 + parity
        first17 = f"{region}{ymd}{order:03d}"
        return first17 + _CHECK[sum(map(operator.mul, map(int, first17), _ID_WEIGHTS)) % 11]


def _place_name(rng: random.Random, used: set[str], length: int = 2) -> str:
    while True:
        name = "".join(rng.choice(names.PLACE_SYLLABLES) for _ in range(length))
        if name not in used:
            used.add(name)
            return name


def _build_divisions(spec: CountySpec, rng: random.Random) -> GeneratedCounty:
    county = Division.objects.create(
        code=f"{spec.code}000000", name=spec.name, level=DivisionLevel.COUNTY, kind=DivisionKind.COUNTY
    )
    out = GeneratedCounty(county=county)
    n_households = max(1, round(spec.population / 2.8))
    n_townships = max(2, round(spec.population / 22_000))
    used: set[str] = set()
    villages_per_township = max(2, round(n_households / HOUSEHOLDS_PER_GRID / n_townships / 1.3))
    townships = []
    for t in range(n_townships):
        kind = (
            DivisionKind.SUBDISTRICT if t < max(1, n_townships // 7)
            else DivisionKind.DEV_ZONE if t == n_townships - 1 and n_townships > 4
            else DivisionKind.TOWN if t % 2 else DivisionKind.TOWNSHIP
        )
        suffix = {DivisionKind.SUBDISTRICT: "街道", DivisionKind.DEV_ZONE: "经济开发区",
                  DivisionKind.TOWN: "镇", DivisionKind.TOWNSHIP: "乡"}[kind]
        tcode = f"{spec.code}{(100 + t) if kind != DivisionKind.SUBDISTRICT else (1 + t):03d}000"
        townships.append(Division(code=tcode, name=_place_name(rng, used) + suffix, level=DivisionLevel.TOWNSHIP,
                                  kind=kind, parent=county))
    for d in townships:
        d.path = d.code[:9]
    Division.objects.bulk_create(townships)
    out.townships = townships
    village_objs = []
    for t in townships:
        urban = t.kind == DivisionKind.SUBDISTRICT
        for v in range(villages_per_township):
            vcode = f"{t.code[:9]}{(1 if urban else 200) + v:03d}"
            vname = _place_name(rng, used, 2 if rng.random() < 0.7 else 3) + ("社区" if urban else "村")
            village_objs.append(Division(code=vcode, path=vcode, name=vname, level=DivisionLevel.VILLAGE,
                                         kind=DivisionKind.COMMUNITY if urban else DivisionKind.VILLAGE, parent=t))
    Division.objects.bulk_create(village_objs)
    out.villages = village_objs
    # Households per village vary (±50%); grids hold about 300 households each.
    weights = [rng.uniform(0.5, 1.5) for _ in village_objs]
    total_w = sum(weights)
    grid_objs, grid_households = [], []
    for village, w in zip(village_objs, weights, strict=True):
        hh = max(1, round(n_households * w / total_w))
        n_grids = max(1, math.ceil(hh / HOUSEHOLDS_PER_GRID))
        for g in range(n_grids):
            gcode = f"{village.code}{g + 1:03d}"
            grid_objs.append(Division(code=gcode, path=gcode, name=f"{village.name}第{g + 1}网格",
                                      level=DivisionLevel.GRID, kind=DivisionKind.GRID, parent=village))
            grid_households.append(hh // n_grids + (1 if g < hh % n_grids else 0))
    Division.objects.bulk_create(grid_objs)
    out.grids = grid_objs
    out.households = sum(grid_households)
    out._grid_households = grid_households  # type: ignore[attr-defined]
    return out


def _phone(rng: random.Random) -> str:
    return rng.choice(names.PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"


_SIZES = [1, 2, 3, 4, 5, 6]
_SIZE_CUM_WEIGHTS = list(itertools.accumulate([16, 28, 24, 18, 9, 5]))  # what choices(weights=…) computes


def _household_members(rng: random.Random, nm: _Names, ref: dt.date, ids: _Ids) -> list[dict]:
    size = rng.choices(_SIZES, cum_weights=_SIZE_CUM_WEIGHTS)[0]
    surname = nm.surname()
    head_sex = MALE if rng.random() < 0.78 else FEMALE
    members = [("head", head_sex, "户主")]
    if size >= 2:
        members.append(("spouse", FEMALE if head_sex == MALE else MALE, "配偶"))
    for _ in range(size - len(members)):
        if rng.random() < 0.8:
            sex = rng.choice([MALE, FEMALE])
            members.append(("child", sex, "子" if sex == MALE else "女"))
        else:
            sex = rng.choice([MALE, FEMALE])
            members.append(("parent", sex, "父亲" if sex == MALE else "母亲"))
    head_age = _age_for(rng, "head")
    out = []
    for role, sex, relation in members:
        age = head_age if role == "head" else _age_for(rng, role)
        if role == "spouse":
            age = max(18, min(100, head_age + rng.randint(-5, 5)))
        elif role == "child":
            age = max(0, min(age, head_age - 18))
        elif role == "parent":
            age = max(age, head_age + 18)
        birth = ref - dt.timedelta(days=age * 365 + rng.randrange(365))
        own_surname = surname if role in ("head", "child") else nm.surname()
        name = own_surname + nm.given(sex)
        out.append({
            "name": name, "sex": sex, "birth": birth, "relation": relation,
            "id_number": ids.make(birth, sex),
            "phone": _phone(rng) if age >= 14 and rng.random() < 0.96 else "",
        })
    return out


def _status(rng: random.Random) -> tuple[str, str]:
    r = rng.random()
    if r < 0.08:
        return ResidentStatus.AWAY, rng.choice(names.AWAY_DESTINATIONS)
    if r < 0.085:
        return ResidentStatus.MOVED_OUT, rng.choice(names.AWAY_DESTINATIONS)
    if r < 0.088:
        return ResidentStatus.DECEASED, ""
    return ResidentStatus.PRESENT, ""


def _build_registry(spec: CountySpec, rng: random.Random, out: GeneratedCounty, batch_size: int = 5000) -> None:
    with _RegistryWriter() as writer:
        _write_registry(spec, rng, out, writer, batch_size)
        writer.finish()


def _write_registry(spec: CountySpec, rng: random.Random, out: GeneratedCounty, writer: _RegistryWriter,
                    batch_size: int) -> None:
    nm, ids = _Names(rng), _Ids(rng, spec.code)
    hh_seq = 0
    remaining = spec.population
    pending: list[tuple[int, int, str, list[dict]]] = []  # (household id, grid id, address, members)

    def flush() -> None:
        # Statuses are drawn here, after the members of the whole chunk, as they always were:
        # the random stream (and so the county of a seed) stays the same.
        for hh_id, grid_id, address, members in pending:
            for m in members:
                full, initials = name_pinyin(m["name"])
                status, away_to = _status(rng)
                writer.resident(m, full, initials, address, hh_id, grid_id, status, away_to)
        out.residents += writer.flush()
        pending.clear()

    grid_households = out._grid_households  # type: ignore[attr-defined]
    total_hh = sum(grid_households)
    for grid, n_hh in zip(out.grids, grid_households, strict=True):
        street = rng.choice(names.STREET_NAMES)
        prefix = f"{out.county.name}{grid.parent.name if grid.parent_id else ''}{street}路"
        for h in range(n_hh):
            if remaining <= 0:
                break
            hh_seq += 1
            members = _household_members(rng, nm, spec.reference_date, ids)
            # Spread what is left evenly so the county lands on the asked population.
            left_hh = max(1, total_hh - hh_seq + 1)
            if remaining - len(members) < 0 or left_hh == 1:
                members = members[:remaining] if left_hh > 1 else members
                while left_hh == 1 and len(members) < remaining:
                    members.append(_household_members(rng, nm, spec.reference_date, ids)[0] | {"relation": "其他"})
            members = members[:remaining]
            remaining -= len(members)
            address = f"{prefix}{h + 1}号"
            hh_id = writer.household(f"{grid.code}{h + 1:04d}", grid.pk, address, members[0]["name"])
            pending.append((hh_id, grid.pk, address, members))
            if len(pending) >= batch_size // 3:
                flush()
    flush()


class _RegistryWriter:
    """Writes households and residents as plain rows: the ORM's per-object work (model
    instances, per-field preparation) was most of the generator's time.

    Households get their ids here so residents can point at them without a round trip; the
    id sequence is reset afterwards (PostgreSQL). See `bulk.insert_rows`.
    """

    def __init__(self) -> None:
        self.ops = connection.ops
        self.now = self.ops.adapt_datetimefield_value(timezone.now())
        self.next_hh = (Household.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        self.households: list[tuple] = []
        self.residents: list[tuple] = []
        self.hh_columns = ["id", "code", "grid_id", "address", "head_name"]
        self.res_columns = [
            "name", "name_pinyin", "name_initials", "id_number", "sex", "birth_date", "phone", "address",
            "household_id", "relation_to_head", "grid_id", "status", "away_to", "updated_at",
        ]
        # Guard against a model change the column list above would miss.
        concrete = {f.column for f in Resident._meta.concrete_fields
                    if not f.primary_key and not f.generated}  # generated columns the database fills
        if concrete != set(self.res_columns):
            raise RuntimeError(f"generator columns out of date: {sorted(concrete ^ set(self.res_columns))}")

    def __enter__(self) -> _RegistryWriter:
        if connection.vendor == "sqlite":
            # The resident table has seven indexes, one on random ID numbers; with SQLite's
            # default 2 MB page cache their inserts thrash once the county passes ~100,000.
            with connection.cursor() as cursor:
                self._cache_size = cursor.execute("PRAGMA cache_size").fetchone()[0]
                cursor.execute("PRAGMA cache_size = -262144")
        return self

    def __exit__(self, *exc: object) -> None:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(self._cache_size)}")

    def household(self, code: str, grid_id: int, address: str, head_name: str) -> int:
        hh_id = self.next_hh
        self.next_hh += 1
        self.households.append((hh_id, code, grid_id, address, head_name))
        return hh_id

    def resident(self, m: dict, full: str, initials: str, address: str, hh_id: int, grid_id: int, status: str,
                 away_to: str) -> None:
        self.residents.append((
            m["name"], full, initials, m["id_number"], m["sex"], self.ops.adapt_datefield_value(m["birth"]),
            m["phone"], address, hh_id, m["relation"], grid_id, status, away_to, self.now,
        ))

    def flush(self) -> int:
        count = len(self.residents)
        insert_rows(Household._meta.db_table, self.hh_columns, self.households)
        insert_rows(Resident._meta.db_table, self.res_columns, self.residents)
        self.households.clear()
        self.residents.clear()
        return count

    def finish(self) -> None:
        with connection.cursor() as cursor:
            for sql in self.ops.sequence_reset_sql(no_style(), [Household, Resident]):
                cursor.execute(sql)


def _make_user(username: str, full_name: str, division: Division, password_hash: str,
               role_list: list[tuple[str, str]]) -> User:
    """A named account, opened and given its roles through the audited account actions."""
    user = do_create_user(username, division=division, full_name=full_name, password_hash=password_hash,
                          acting_user=SYSTEM)
    for role, module in role_list:
        do_assign_role(user, role, module, acting_user=SYSTEM)
    return user


def _build_users(out: GeneratedCounty, rng: random.Random) -> None:
    """Named demo accounts per access level, plus a grid worker for every grid and cadres for
    every township and village (the people leads are routed to).

    The named accounts go through the account actions (one audit row each); the bulk workers
    and cadres, thousands in a full county, are written in bulk under the `generate_county` row.
    """
    pw = make_password(DEMO_PASSWORD)
    county, t0, v0 = out.county, out.townships[0], out.villages[0]
    g0 = out.grids[0]
    other_village = next(v for v in out.villages if v.parent_id != t0.pk) if len(out.townships) > 1 else out.villages[-1]
    g_other = next(g for g in out.grids if g.parent_id == other_village.pk)
    g_same_village = next((g for g in out.grids if g.parent_id == v0.pk and g.pk != g0.pk), None)
    named: list[tuple[str, str, Division, list[tuple[str, str]]]] = [
        ("commander", "指挥部值班员", county, [(Role.COMMAND_CENTER, "")]),
        ("cdc", "疾控流调员", county, [(Role.CDC, "")]),
        ("lab", "检测机构", county, [(Role.LAB, "")]),
        ("site", "隔离点管理员", county, [(Role.SITE_STAFF, "")]),
        ("regulator", "市场监管", county, [(Role.SECTOR_REGULATOR, "")]),
        ("auditor", "审计员", county, [(Role.AUDITOR, "")]),
        ("sysadmin", "系统管理员", county, [(Role.SYSTEM_ADMIN, "")]),
        ("secadmin", "安全管理员", county, [(Role.SECURITY_ADMIN, "")]),
        ("auditadmin", "审计管理员", county, [(Role.AUDIT_ADMIN, "")]),
        ("township", f"{t0.name}干部", t0, [(Role.TOWNSHIP_CADRE, "")]),
        ("village", f"{v0.name}干部", v0, [(Role.VILLAGE_CADRE, "")]),
        ("grid", f"{g0.name}网格员", g0, [(Role.GRID_WORKER, "")]),
        ("grid_other", f"{g_other.name}网格员", g_other, [(Role.GRID_WORKER, "")]),
        ("village_other", f"{other_village.name}干部", other_village, [(Role.VILLAGE_CADRE, "")]),
    ]
    if g_same_village is not None:
        named.append(("grid_neighbour", f"{g_same_village.name}网格员", g_same_village, [(Role.GRID_WORKER, "")]))
    for module in Module:
        for role, suffix in ((Role.MODULE_LEAD, "lead"), (Role.MODULE_ADMIN, "admin"), (Role.REVIEWER, "reviewer")):
            named.append((f"{module.value}_{suffix}", f"{module.label}{role.label}", county, [(role, module.value)]))
    for username, full_name, division, role_list in named:
        out.users[username] = _make_user(username, full_name, division, pw, role_list)
    nm = _Names(rng)
    taken = {u.division_id for u in out.users.values() if u.has_role(Role.GRID_WORKER)}
    bulk, roles_ = [], []
    for grid in out.grids:
        if grid.pk not in taken:
            bulk.append(User(username=f"gw{grid.code}", full_name=nm.surname() + nm.given(FEMALE),
                             division=grid, password=pw, phone=_phone(rng)))
            roles_.append(Role.GRID_WORKER)
    for t in out.townships[1:]:
        bulk.append(User(username=f"tc{t.code[:9]}", full_name=nm.surname() + nm.given(MALE), division=t,
                         password=pw, phone=_phone(rng)))
        roles_.append(Role.TOWNSHIP_CADRE)
    for v in out.villages:
        if v.pk not in (v0.pk, other_village.pk):
            bulk.append(User(username=f"vc{v.code}", full_name=nm.surname() + nm.given(MALE), division=v,
                             password=pw, phone=_phone(rng)))
            roles_.append(Role.VILLAGE_CADRE)
    User.objects.bulk_create(bulk, batch_size=1000)
    UserRole.objects.bulk_create([UserRole(user=u, role=r) for u, r in zip(bulk, roles_, strict=True)], batch_size=1000)
    # 三级分包: the commander liaises with the first township, each township cadre with its villages.
    cadres = {u.division_id: u for u in bulk if u.division.level == DivisionLevel.TOWNSHIP}
    cadres[t0.pk] = out.users["township"]
    liaisons = [Liaison(level=LiaisonLevel.COUNTY_TO_TOWNSHIP, user=out.users["commander"], division=t)
                for t in out.townships]
    liaisons += [Liaison(level=LiaisonLevel.TOWNSHIP_TO_VILLAGE, user=cadres[v.parent_id], division=v)
                 for v in out.villages if v.parent_id in cadres]
    Liaison.objects.bulk_create(liaisons, batch_size=1000)


def named_users() -> dict[str, User]:
    """The named accounts per access level (commander, grid, …), not the bulk cadres and workers."""
    return {u.username: u for u in User.objects.filter(division__isnull=False)
            .exclude(username__regex=r"^(gw|tc|vc)\d")}


def generate_county(spec: CountySpec | None = None, *, users: bool = True) -> GeneratedCounty:
    """Build the county, its registry and (by default) its accounts. Deterministic per seed."""
    spec = spec or CountySpec()
    rng = random.Random(spec.seed)
    with transaction.atomic():
        out = _build_divisions(spec, rng)
        generate_shapes(out.county)  # its own seeded random: the registry stays as it was
        _build_registry(spec, rng, out)
        if users:
            _build_users(out, rng)
        audit.record(
            AuditAction.IMPORT, out.county, verb="generate_county",
            changes={"population": out.residents, "households": out.households, "grids": len(out.grids),
                     "seed": spec.seed},
        )
    # Statistics now, not whenever autovacuum gets to it (some servers run without): a planner
    # that thinks the division table is empty scopes a board through nested loops, 10× slower.
    analyze(Division, Household, Resident, User, UserRole)
    return out
