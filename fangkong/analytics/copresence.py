"""Co-presence (时空伴随) as a portable Ibis job: the same expressions run on DuckDB and on Spark.

The engine knows no app's tables: the caller hands it two input tables as Arrow, timestamps in
UTC without zone and to the second, phones already normalised:
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

How it stays fast at a county's 20 M + 20 M records (bench/run tracing):
- `load` turns each kind into numbers once: phone and place as their place in the column's
  dictionary, times as epoch seconds. The engine joins, compares and groups integers only.
- A round (`matches`) picks the index people's records in numpy, repeats each for the time
  buckets a matching record can fall in, and hands that small table to the engine. Both joins
  key on equality, so neither engine compares every pair in a place: venue scans on (venue,
  bucket of the window's width) against the index scans repeated for the buckets before and after;
  location records no longer than `LONG_RECORD` on (cell, hour of entry) against the index
  records repeated for every hour a record overlapping them can start in. The few longer records
  join on the cell alone.
- The engine returns numbers (person, index record, the best record's rank); the names, places
  and times of the output are taken from the Arrow tables afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
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
# (place column, start time, end time) of each kind of record
COLUMNS = {"scans": ("venue_code", "scanned_at", "scanned_at"), "locations": ("cell", "entered_at", "left_at")}
US = pa.timestamp("us")


def arrow_inputs(tables: Mapping[str, pa.Table]) -> dict[str, pa.Table]:
    """Input tables with their timestamps as naive UTC microseconds (SQLite hands over text,
    PostgreSQL zoned values), whatever source they came from."""
    out = {}
    for name, table in tables.items():
        table = engine.typed(table, SCHEMAS[name])
        for column, kind in SCHEMAS[name].items():
            i = table.column_names.index(column)
            col = table.column(i)
            if kind == "timestamp" and col.type != US:
                if pa.types.is_timestamp(col.type) and col.type.tz is not None:
                    col = col.cast(pa.timestamp(col.type.unit)).cast(US)
                else:
                    col = col.cast(US)
                table = table.set_column(i, pa.field(column, US), col)
            elif kind == "string" and col.type != pa.string():
                table = table.set_column(i, pa.field(column, pa.string()), col.cast(pa.string()))
        out[name] = table.select(list(SCHEMAS[name]))
    return out


# --------------------------------------------------------------------------------------------
# Loading: each kind of record as numbers, in the engine


@dataclass
class Kind:
    """One kind of record of the window, row i of `arrow` being row i of every array."""

    name: str
    arrow: pa.Table  # the records as given, for the names, places and times of the output
    phones: Phones  # p ↔ phone
    places: pa.Array  # the places' dictionary: c → cell or venue code
    p: np.ndarray  # int64 phone key (`Phones`)
    c: np.ndarray  # int32 place number in `places`
    s: np.ndarray  # int64 epoch seconds of the start …
    e: np.ndarray  # … and of the end (a scan: its time)
    table: ibis.Table | None  # in the engine: scans (rid, p, c, s), locations up to LONG_RECORD (p, c, s, e)
    long: ibis.Table | None  # locations longer than LONG_RECORD (None: there are none)


def _seconds(column: pa.ChunkedArray) -> np.ndarray:
    micros = column.cast(pa.int64()).to_numpy()
    return np.floor_divide(micros, 1_000_000)


class Phones:
    """Phones as int64 keys: the digits and the length (a landline's leading 0 kept), computed
    without a hash table — a county's 20 M phones in random order cost 4 s to dictionary-encode,
    0.6 s to read as numbers. Where a phone is not all ASCII digits or is longer than 12, the
    keys are places in the column's dictionary instead."""

    SCALE = 10**12
    LOWEST = np.array([0] + [10 ** (n - 1) for n in range(1, 13)], np.int64)  # the lowest number of n digits

    def __init__(self, dictionary: pa.Array | None = None):
        self.dictionary = dictionary

    @classmethod
    def keyed(cls, column: pa.ChunkedArray) -> tuple[np.ndarray, Phones]:
        if len(column) and pc.all(pc.ascii_is_decimal(column)).as_py():
            length = pc.utf8_length(column)
            if pc.max(length).as_py() <= 12:
                keys = pc.add(pc.multiply(length.cast(pa.int64()), cls.SCALE), pc.cast(column, pa.int64()))
                return keys.to_numpy(), cls()
        codes, dictionary = _encoded(column)
        return codes.astype(np.int64), cls(dictionary)

    def keys(self, phones: Sequence[str]) -> np.ndarray:
        """The keys of these phones (phones that cannot have one are left out)."""
        if self.dictionary is not None:
            return pc.index_in(pa.array(list(phones), pa.string()), value_set=self.dictionary).drop_null().to_numpy()
        return np.array([len(p) * self.SCALE + int(p) for p in phones if p.isascii() and p.isdigit()
                         and 0 < len(p) <= 12], np.int64)

    def text(self, keys: np.ndarray) -> pa.Array:
        if self.dictionary is not None:
            return self.dictionary.take(keys)
        length, number = np.divmod(keys, self.SCALE)
        text = pc.cast(pa.array(number), pa.string())
        zeros = number < self.LOWEST[length]  # landlines: leading zeros to put back
        if zeros.any():
            for width in np.unique(length[zeros]):
                text = pc.if_else(pa.array(length == width), pc.utf8_lpad(text, int(width), "0"), text)
        return text


def _encoded(column: pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """Each value's place in the column's dictionary (int32), and the dictionary."""
    if len(column) == 0:
        return np.empty(0, np.int32), pa.array([], pa.string())
    encoded = pc.dictionary_encode(column)
    # The chunks share one dictionary, so combining them only joins the indices.
    combined = encoded.combine_chunks() if isinstance(encoded, pa.ChunkedArray) else encoded
    return combined.indices.to_numpy(zero_copy_only=False).astype(np.int32, copy=False), combined.dictionary


def _numbers(name: str, table: pa.Table, start: dt.datetime, end: dt.datetime) -> Kind:
    """One kind of record as numbers (Arrow and numpy only, so both kinds can be done at once)."""
    place, first, last = COLUMNS[name]
    keep = [c for c in (first, last, "phone", place) if table.column(c).null_count]
    if keep:  # a record without time, phone or place matches nothing
        valid = [pc.is_valid(table.column(c)) for c in keep]
        table = table.filter(pc.and_kleene(*valid) if len(valid) > 1 else valid[0])
    s = _seconds(table.column(first))
    inside = (s >= _epoch(start)) & (s < _epoch(end))
    if not inside.all():
        table, s = table.filter(pa.array(inside)), s[inside]
    e = s if first == last else _seconds(table.column(last))
    p, phones = Phones.keyed(table.column("phone"))
    c, places = _encoded(table.column(place))
    return Kind(name, table, phones, places, p, c, s, e, None, None)


def _epoch(value: dt.datetime) -> int:
    return int(value.replace(tzinfo=dt.UTC).timestamp())


def _put(con: ibis.BaseBackend, kind: Kind) -> Kind:
    """The kind's numbers into the engine: scans with their row (rid) to take the scan's names
    from; location records up to LONG_RECORD apart from the longer ones."""
    p, c, s, e = kind.p, kind.c, kind.s, kind.e
    if not len(s):
        return kind
    if kind.name == "scans":
        kind.table = engine.put(con, kind.name, pa.table({"rid": np.arange(len(s), dtype=np.int64), "p": p, "c": c,
                                                          "s": s}))
        return kind
    long = (e - s) > LONG_RECORD
    if long.any():
        kind.long = engine.put(con, f"{kind.name}_long", pa.table({"p": p[long], "c": c[long], "s": s[long],
                                                                   "e": e[long]}))
        short = ~long
        p, c, s, e = p[short], c[short], s[short], e[short]
    if len(s):
        kind.table = engine.put(con, kind.name, pa.table({"p": p, "c": c, "s": s, "e": e}))
    return kind


def load(con: ibis.BaseBackend, inputs: Mapping[str, pa.Table], start: dt.datetime, end: dt.datetime,
         ) -> dict[str, Kind]:
    """The records that start within [start, end) (naive UTC), as numbers in the engine `con`;
    done once for any number of rounds of `matches`."""
    tables = arrow_inputs(inputs)
    with ThreadPoolExecutor(max_workers=len(tables)) as pool:  # Arrow's kernels let go of the GIL
        kinds = list(pool.map(lambda item: _numbers(*item, start, end), tables.items()))
    return {kind.name: _put(con, kind) for kind in kinds}


# --------------------------------------------------------------------------------------------
# A round: the index people's records, the joins, the output


def _index_rows(kind: Kind, index: Sequence[str]) -> np.ndarray:
    """The rows of the index people's records, each record once (the same phone, place and times
    twice is one record)."""
    codes = kind.phones.keys(sorted(set(index)))
    if not len(codes) or not len(kind.p):
        return np.empty(0, np.int64)
    rows = np.flatnonzero(pc.is_in(pa.array(kind.p), value_set=pa.array(codes)).to_numpy(zero_copy_only=False))
    keys = np.rec.fromarrays([kind.p[rows], kind.c[rows], kind.s[rows], kind.e[rows]])
    return rows[np.sort(np.unique(keys, return_index=True)[1])]


def _repeated(rows: np.ndarray, kind: Kind, lo: np.ndarray, hi: np.ndarray) -> pa.Table:
    """Index record i (irid) once for every bucket from lo[i] to hi[i]."""
    n = hi - lo + 1
    irid = np.repeat(np.arange(len(rows), dtype=np.int64), n)
    key = lo[irid] + np.arange(len(irid), dtype=np.int64) - np.repeat(np.cumsum(n) - n, n)
    r = rows[irid]
    return pa.table({"irid": irid, "ip": kind.p[r], "ic": kind.c[r], "i_s": kind.s[r], "i_e": kind.e[r], "i_key": key})


def cell_pairs(con: ibis.BaseBackend, kind: Kind, rows: np.ndarray, min_overlap_minutes: int) -> ibis.Table:
    """(p, irid, rank, e): each person's best record against each index record; rank = −overlap·ORDER
    + entry (the longest overlap, then the earliest entry, as one number to take the minimum of: an
    aggregate, not a window, so no sort of every pair)."""
    least = int(min_overlap_minutes) * 60
    s, e = kind.s[rows], kind.e[rows]
    x = engine.put(con, "cell_index", _repeated(rows, kind, (s - LONG_RECORD) // HOUR, e // HOUR))
    columns = ("p", "s", "e", "irid", "ip", "i_s", "i_e")
    parts = []
    if kind.table is not None:
        short = kind.table.mutate(b=_.s // HOUR)
        parts.append(short.join(x, [short.c == x.ic, short.b == x.i_key]).select(*columns))
    if kind.long is not None:
        i = engine.put(con, "cell_index_whole", _repeated(rows, kind, np.zeros(len(rows), np.int64),
                                                          np.zeros(len(rows), np.int64)))
        parts.append(kind.long.join(i, kind.long.c == i.ic).select(*columns))
    pairs = parts[0] if len(parts) == 1 else parts[0].union(parts[1])
    pairs = pairs.mutate(seconds=ibis.least(_.e, _.i_e) - ibis.greatest(_.s, _.i_s))
    pairs = pairs.filter(pairs.seconds >= least, pairs.seconds > 0, pairs.p != pairs.ip)
    pairs = pairs.mutate(rank=(-_.seconds) * ORDER + _.s)
    return pairs.group_by([_.p, _.irid]).aggregate(rank=_.rank.min(), e=_.e.argmin(_.rank))


def venue_pairs(con: ibis.BaseBackend, kind: Kind, rows: np.ndarray, window_minutes: int) -> ibis.Table:
    """(p, irid, rank, rid): each person's closest scan to each index scan; rank = gap·ORDER + time
    (the closest, then the earliest)."""
    window = int(window_minutes) * 60
    width = max(window, 60)
    b = kind.s[rows] // width
    x = engine.put(con, "venue_index", _repeated(rows, kind, b - 1, b + 1))
    scans = kind.table.mutate(b=_.s // width)
    pairs = scans.join(x, [scans.c == x.ic, scans.b == x.i_key])
    pairs = pairs.mutate(seconds=(_.s - _.i_s).abs())
    pairs = pairs.filter(pairs.seconds <= window, pairs.p != pairs.ip).mutate(rank=_.seconds * ORDER + _.s)
    return pairs.group_by([_.p, _.irid]).aggregate(rank=_.rank.min(), rid=_.rid.argmin(_.rank))


def _take(table: pa.Table, rows: np.ndarray) -> pa.Table:
    """`table.take(rows)` chunk by chunk: Arrow's take from a table of many chunks (a store read
    gives hundreds) joins all of them first, every time."""
    batches = table.to_batches()
    if len(batches) <= 1:
        return table.take(rows)
    bounds = np.cumsum([0] + [b.num_rows for b in batches])
    order = np.argsort(rows, kind="stable")
    ordered = rows[order]
    cuts = np.searchsorted(ordered, bounds)
    parts = [batch.take(ordered[cuts[i]:cuts[i + 1]] - bounds[i]) for i, batch in enumerate(batches)
             if cuts[i + 1] > cuts[i]]
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    return pa.Table.from_batches(parts, schema=table.schema).combine_chunks().take(inverse)


def _times(seconds: np.ndarray) -> pa.Array:
    return pa.array(seconds * 1_000_000, pa.int64()).cast(US)


def _strings(value: str, n: int) -> pa.Array:
    return pa.repeat(pa.scalar(value, pa.string()), n)


def _cells(kind: Kind, rows: np.ndarray, best: pa.Table) -> pa.Table:
    p, irid = best.column("p").to_numpy(), best.column("irid").to_numpy()
    rank = best.column("rank").to_numpy()
    high = np.floor_divide(rank, ORDER)
    seconds, s, e = -high, rank - high * ORDER, best.column("e").to_numpy()
    # The index record's phone, cell and times, from arrays of the index records (small enough
    # to stay in the cache, where the whole kind's are not)
    ip, ic, i_s, i_e = (a[rows][irid] for a in (kind.p, kind.c, kind.s, kind.e))
    n = len(p)
    return pa.table({
        "phone": kind.phones.text(p), "name": _strings("", n), "id_number": _strings("", n),
        "kind": _strings(CELL, n), "index_phone": kind.phones.text(ip), "place": kind.places.take(ic),
        "place_name": _strings("", n), "at": _times(np.maximum(s, i_s)), "seconds": seconds,
        "index_start": _times(i_s), "index_end": _times(i_e), "record_start": _times(s), "record_end": _times(e)})


def _venues(kind: Kind, rows: np.ndarray, best: pa.Table) -> pa.Table:
    irid, rid = best.column("irid").to_numpy(), best.column("rid").to_numpy()
    seconds = np.floor_divide(best.column("rank").to_numpy(), ORDER)
    record = _take(kind.arrow, rid)
    index = _take(kind.arrow.select(["phone", "venue_code", "scanned_at"]), rows[irid])
    return pa.table({
        "phone": record.column("phone"), "name": pc.fill_null(record.column("name"), ""),
        "id_number": pc.fill_null(record.column("id_number"), ""), "kind": _strings(VENUE, len(rid)),
        "index_phone": index.column("phone"), "place": index.column("venue_code"),
        "place_name": pc.fill_null(record.column("venue_name"), ""), "at": record.column("scanned_at"),
        "seconds": seconds, "index_start": index.column("scanned_at"), "index_end": index.column("scanned_at"),
        "record_start": record.column("scanned_at"), "record_end": record.column("scanned_at")})


def matches(con: ibis.BaseBackend, kinds: Mapping[str, Kind], index: Sequence[str], *, min_overlap: int = 10,
            scan_window: int = 30) -> pa.Table:
    """Every match of the index phones among the loaded records (columns `OUTPUT`, unordered).

    The engine is used from this thread only; picking the index records of both kinds, and
    putting the cells' output together while the engine joins the venues, run beside it (numpy
    and Arrow let go of the GIL)."""
    loc, scans = kinds["locations"], kinds["scans"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        picked = pool.submit(_index_rows, scans, index)
        rows = _index_rows(loc, index)
        cells = None
        if len(rows):
            cells = pool.submit(_cells, loc, rows, engine.to_arrow(con, cell_pairs(con, loc, rows, min_overlap)))
        parts = [empty()]
        rows = picked.result()
        if len(rows) and scans.table is not None:
            parts.append(_venues(scans, rows, engine.to_arrow(con, venue_pairs(con, scans, rows, scan_window))))
        if cells is not None:
            parts.append(cells.result())
    return pa.concat_tables([t.cast(parts[0].schema) for t in parts])


def compute_matches(inputs: Mapping[str, pa.Table], index: Sequence[str], *, start: dt.datetime, end: dt.datetime,
                    min_overlap: int = 10, scan_window: int = 30, con: ibis.BaseBackend | None = None) -> pa.Table:
    """The matches as Arrow (columns `OUTPUT`), ordered by phone, time and place.

    `inputs` maps "scans" and "locations" to Arrow tables; `con` is the caller's engine (DuckDB
    or Spark), else the configured one.
    """
    if not index:
        return empty()
    with engine.opened(con) as con:
        out = matches(con, load(con, inputs, start, end), index, min_overlap=min_overlap, scan_window=scan_window)
    return out.sort_by([("phone", "ascending"), ("at", "ascending"), ("kind", "ascending"),
                        ("place", "ascending"), ("index_phone", "ascending"), ("index_start", "ascending")])


def empty() -> pa.Table:
    return pa.table({c: pa.array([], US if c in ("at", "index_start", "index_end", "record_start", "record_end")
                                 else pa.int64() if c == "seconds" else pa.string()) for c in OUTPUT})
