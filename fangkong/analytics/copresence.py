"""Co-presence (时空伴随) as a portable Ibis job: the same expressions run on DuckDB and on Spark.

The engine knows no app's tables: the caller hands it two input tables (SELECTs or Arrow),
timestamps in UTC without zone, phones already normalised:
  scans(phone, venue_code, venue_name, name, id_number, scanned_at)
  locations(phone, cell, entered_at, left_at)

The rule (defaults 10 and 30 minutes, both the caller's to set):
- cell: one location record of a person overlaps one index record in the same cell by at least
  `min_overlap` minutes — overlap = min(ends) − max(starts); touching intervals overlap 0;
  overlaps are never summed across records;
- venue: a person scanned the same venue code within `scan_window` minutes before or after an
  index scan, inclusive (|Δt| ≤ window).
Only records that start within [start, end) count, on both sides; a person is never matched
against their own records (phone = index phone).

One row per (person, index record): when several of the person's records match the same index
record, the longest overlap (cells) or the closest scan (venues) explains it, then the earliest.
Every row explains itself: `index_phone`, `place` (cell id or venue code), `place_name`,
`index_start`/`index_end` (the index record; a scan's start and end are its time),
`record_start`/`record_end` (the person's record), `at` (cell: the start of the overlap; venue:
the person's scan time) and `seconds` (cell: the overlap; venue: the time between the two scans).

Both joins key on equality, so neither engine compares every pair in a place: venue scans join
on (venue code, time bucket of the window's width) against the index scans repeated for the
buckets before and after; location records no longer than `LONG_RECORD` join on (cell, hour of
entry) against the index records repeated for every hour a record overlapping them can start
in. The few longer records join on the cell alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import ibis
import pyarrow as pa
from ibis import _

from . import engine

CELL, VENUE = "cell", "venue"
HOUR = 3600
LONG_RECORD = 6 * HOUR  # location records longer than this join on the cell alone
ORDER = 10**10  # above any epoch second until 2286: (seconds, time) ranked as one int64
SCHEMAS = {
    "scans": {"phone": "string", "venue_code": "string", "venue_name": "string", "name": "string",
              "id_number": "string", "scanned_at": "timestamp"},
    "locations": {"phone": "string", "cell": "string", "entered_at": "timestamp", "left_at": "timestamp"},
}
OUTPUT = ("phone", "name", "id_number", "kind", "index_phone", "place", "place_name", "at", "seconds",
          "index_start", "index_end", "record_start", "record_end")


def arrow_inputs(tables: Mapping[str, pa.Table]) -> dict[str, pa.Table]:
    """Input tables with their timestamps as naive UTC microseconds (SQLite hands over text,
    PostgreSQL zoned values), whatever source they came from."""
    out = {}
    for name, table in tables.items():
        table = engine.typed(table, SCHEMAS[name])
        for column, kind in SCHEMAS[name].items():
            i = table.column_names.index(column)
            col = table.column(i)
            if kind == "timestamp" and col.type != pa.timestamp("us"):
                if pa.types.is_timestamp(col.type) and col.type.tz is not None:
                    col = col.cast(pa.timestamp(col.type.unit)).cast(pa.timestamp("us"))
                else:
                    col = col.cast(pa.timestamp("us"))
                table = table.set_column(i, pa.field(column, pa.timestamp("us")), col)
            elif kind == "string" and col.type != pa.string():
                table = table.set_column(i, pa.field(column, pa.string()), col.cast(pa.string()))
        out[name] = table.select(list(SCHEMAS[name]))
    return out


def _epoch(ts: ibis.Value) -> ibis.Value:
    return ts.epoch_seconds().cast("int64")


def _offsets(con: ibis.BaseBackend, name: str, values: Sequence[int]) -> ibis.Table:
    return engine.put(con, name, pa.table({"k": pa.array(list(values), pa.int64())}))


def venue_matches(con: ibis.BaseBackend, scans: ibis.Table, index: list[str], start: dt.datetime,
                  end: dt.datetime, window_minutes: int) -> ibis.Table:
    window = int(window_minutes) * 60
    width = max(window, 60)
    s = scans.filter(_.scanned_at >= start, _.scanned_at < end)
    s = s.mutate(t=_epoch(s.scanned_at)).mutate(b=(_.t // width).cast("int64"))
    idx = s.filter(s.phone.isin(index)).select(
        index_phone=_.phone, i_code=_.venue_code, i_at=_.scanned_at, i_t=_.t, i_b=_.b)
    idx = idx.cross_join(_offsets(con, "venue_offsets", (-1, 0, 1))).mutate(i_key=_.i_b + _.k)
    pairs = s.join(idx, [s.venue_code == idx.i_code, s.b == idx.i_key])
    pairs = pairs.filter((pairs.t - pairs.i_t).abs() <= window, pairs.phone != pairs.index_phone)
    pairs = pairs.mutate(seconds=(_.t - _.i_t).abs())
    # The closest scan, then the earliest, as one number to take the minimum of (an aggregate,
    # not a window: no sort of every pair).
    pairs = pairs.mutate(rank=_.seconds * ORDER + _.t)
    best = pairs.group_by([_.phone, _.index_phone, _.venue_code, _.i_at]).aggregate(
        seconds=_.seconds.min(), scanned_at=_.scanned_at.argmin(_.rank), name=_.name.argmin(_.rank),
        id_number=_.id_number.argmin(_.rank), venue_name=_.venue_name.argmin(_.rank))
    return best.select(
        phone=_.phone, name=_.name.fill_null(""), id_number=_.id_number.fill_null(""),
        kind=ibis.literal(VENUE), index_phone=_.index_phone, place=_.venue_code,
        place_name=_.venue_name.fill_null(""), at=_.scanned_at, seconds=_.seconds.cast("int64"),
        index_start=_.i_at, index_end=_.i_at, record_start=_.scanned_at, record_end=_.scanned_at)


def cell_matches(con: ibis.BaseBackend, locations: ibis.Table, index: list[str], start: dt.datetime,
                 end: dt.datetime, min_overlap_minutes: int) -> ibis.Table:
    least = int(min_overlap_minutes) * 60
    loc = locations.filter(_.entered_at >= start, _.entered_at < end)
    loc = loc.mutate(s=_epoch(loc.entered_at), e=_epoch(loc.left_at))
    idx = engine.materialise(con, "cell_index", loc.filter(loc.phone.isin(index)).select(
        index_phone=_.phone, i_cell=_.cell, i_start=_.entered_at, i_end=_.left_at, i_s=_.s, i_e=_.e,
        i_lo=((_.s - LONG_RECORD) // HOUR).cast("int64"), i_hi=(_.e // HOUR).cast("int64")))
    span = engine.to_arrow(con, idx.aggregate(n=(idx.i_hi - idx.i_lo).max())).column("n")[0].as_py() or 0
    exploded = idx.cross_join(_offsets(con, "cell_offsets", range(int(span) + 1)))
    exploded = exploded.filter(exploded.k <= exploded.i_hi - exploded.i_lo).mutate(i_key=_.i_lo + _.k)

    short = loc.filter((loc.e - loc.s) <= LONG_RECORD).mutate(b=(_.s // HOUR).cast("int64"))
    by_hour = short.join(exploded, [short.cell == exploded.i_cell, short.b == exploded.i_key]).select(
        *OVERLAP_COLUMNS)
    long = loc.filter((loc.e - loc.s) > LONG_RECORD)
    by_cell = long.join(idx, long.cell == idx.i_cell).select(*OVERLAP_COLUMNS)
    pairs = by_hour.union(by_cell)
    pairs = pairs.mutate(seconds=ibis.least(_.e, _.i_e) - ibis.greatest(_.s, _.i_s))
    pairs = pairs.filter(pairs.seconds >= least, pairs.seconds > 0, pairs.phone != pairs.index_phone)
    # The longest overlap, then the earliest entry, as one number to take the minimum of (an
    # aggregate, not a window: no sort of every pair). Two of the person's records in the cell
    # entered at the same second and overlapping equally long explain the match equally well.
    pairs = pairs.mutate(rank=(-_.seconds) * ORDER + _.s)
    best = pairs.group_by([_.phone, _.index_phone, _.cell, _.i_start, _.i_end]).aggregate(
        seconds=_.seconds.max(), entered_at=_.entered_at.argmin(_.rank), left_at=_.left_at.argmin(_.rank))
    return best.select(
        phone=_.phone, name=ibis.literal(""), id_number=ibis.literal(""), kind=ibis.literal(CELL),
        index_phone=_.index_phone, place=_.cell, place_name=ibis.literal(""),
        at=ibis.greatest(_.entered_at, _.i_start), seconds=_.seconds.cast("int64"),
        index_start=_.i_start, index_end=_.i_end, record_start=_.entered_at, record_end=_.left_at)


OVERLAP_COLUMNS = ("phone", "cell", "entered_at", "left_at", "s", "e", "index_phone", "i_start", "i_end", "i_s",
                   "i_e")


def matches_expr(con: ibis.BaseBackend, t: Mapping[str, ibis.Table], index: Sequence[str], *, start: dt.datetime,
                 end: dt.datetime, min_overlap: int = 10, scan_window: int = 30) -> ibis.Table:
    """Every match of the index phones in [start, end) (naive UTC), cells and venues together."""
    index = sorted(set(index))
    return cell_matches(con, t["locations"], index, start, end, min_overlap).union(
        venue_matches(con, t["scans"], index, start, end, scan_window))


def compute_matches(inputs: Mapping[str, pa.Table], index: Sequence[str], *, start: dt.datetime, end: dt.datetime,
                    min_overlap: int = 10, scan_window: int = 30, con: ibis.BaseBackend | None = None) -> pa.Table:
    """The matches as Arrow (columns `OUTPUT`), ordered by phone, time and place.

    `inputs` maps "scans" and "locations" to Arrow tables; `con` is the caller's engine (DuckDB
    or Spark), else the configured one.
    """
    if not index:
        return empty()
    with engine.opened(con) as con:
        t = {n: engine.put(con, n, a) for n, a in arrow_inputs(inputs).items()}
        expr = matches_expr(con, t, index, start=start, end=end, min_overlap=min_overlap, scan_window=scan_window)
        out = engine.to_arrow(con, expr.select(*OUTPUT))
    return out.sort_by([("phone", "ascending"), ("at", "ascending"), ("kind", "ascending"),
                        ("place", "ascending"), ("index_phone", "ascending"), ("index_start", "ascending")])


def empty() -> pa.Table:
    ts = pa.timestamp("us")
    return pa.table({c: pa.array([], ts if c in ("at", "index_start", "index_end", "record_start", "record_end")
                                 else pa.int64() if c == "seconds" else pa.string()) for c in OUTPUT})
