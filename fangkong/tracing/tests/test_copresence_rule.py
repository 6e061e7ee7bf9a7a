"""The co-presence rule on crafted edges, end to end: files imported with `fangkong import-scans`
/ `import-locations`, then `fangkong copresence … --json` on DuckDB (issue #14, item 6)."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from .copresence_data import INDEX, by_phone, copresence, import_all, naive, random_records

pytestmark = pytest.mark.django_db

DAY = ("--from", "2022-07-01", "--to", "2022-07-01")


@pytest.fixture
def matches(tmp_path, capsys):
    import_all(tmp_path, capsys)
    return by_phone(copresence(capsys, "--phones", INDEX, *DAY))


def test_each_match_has_exactly_the_stated_keys(tmp_path, capsys):
    import_all(tmp_path, capsys)
    call_command("copresence", "--phones", INDEX, *DAY, "--json")
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["matches"] and out["matches"]
    assert all(list(m) == ["phone", "kind", "index_phone", "place", "overlap_minutes", "at"] for m in out["matches"])
    assert {m["kind"] for m in out["matches"]} == {"cell", "venue"}


def test_exactly_the_minimum_overlap_matches_and_one_minute_less_does_not(matches):
    assert matches["13900000001"] == [{"phone": "13900000001", "kind": "cell", "index_phone": INDEX, "place": "G001",
                                       "overlap_minutes": 10, "at": "2022-07-01T08:50:00+08:00"}]
    assert "13900000002" not in matches


def test_touching_intervals_overlap_zero(tmp_path, capsys, matches):
    assert "13900000003" not in matches
    zero = by_phone(copresence(capsys, "--phones", INDEX, *DAY, "--min-overlap", "0"))
    assert "13900000003" not in zero and "13900000002" in zero  # 9 minutes now count, touching still not


def test_an_overlap_across_midnight(matches):
    assert matches["13900000004"] == [{"phone": "13900000004", "kind": "cell", "index_phone": INDEX, "place": "G002",
                                       "overlap_minutes": 25, "at": "2022-07-01T23:55:00+08:00"}]


def test_the_same_cell_another_day_and_records_outside_the_window_do_not_count(capsys, matches):
    for phone in ("13900000005", "13900000008", "13900000010", "13900000011"):
        assert phone not in matches, phone
    two_days = by_phone(copresence(capsys, "--phones", INDEX, "--from", "2022-07-01", "--to", "2022-07-02"))
    assert "13900000005" not in two_days  # same cell, but the index person was there the day before
    assert two_days["13900000011"][0]["overlap_minutes"] == 20  # starts on day 2, within the 2-day window
    assert "13900000008" not in two_days  # the index record started before the window


def test_several_short_overlaps_are_not_summed(matches):
    assert "13900000006" not in matches


def test_one_match_per_index_record_the_longest_overlap_explaining_it(matches):
    assert [(m["place"], m["overlap_minutes"], m["at"]) for m in matches["13900000012"]] == [
        ("G001", 35, "2022-07-01T08:25:00+08:00"),  # the 20-minute record is not a second row
        ("G001", 15, "2022-07-01T08:30:00+08:00"),  # the index person's other record in the cell
    ]


def test_the_index_person_is_never_their_own_match(matches):
    assert INDEX not in matches


def test_phones_are_compared_normalised(capsys, matches):
    assert [m["overlap_minutes"] for m in matches["13900000007"]] == [30, 10]
    assert matches["13700000006"][0]["place"] == "V002"  # written in full-width digits with a space
    same = copresence(capsys, "--phones", "+86 138-0000-0001", *DAY)
    assert by_phone(same) == matches
    assert copresence(capsys, "--phones", "１３８００００００01", *DAY) == [m for ms in matches.values() for m in ms]


def test_the_scan_window_is_inclusive_before_and_after(matches):
    assert sorted((m["overlap_minutes"], m["at"]) for m in matches["13700000001"]) == [
        (20, "2022-07-01T10:30:00+08:00"), (30, "2022-07-01T10:30:00+08:00")]  # one row per index scan
    assert matches["13700000002"] == [{"phone": "13700000002", "kind": "venue", "index_phone": INDEX, "place": "V001",
                                       "overlap_minutes": 30, "at": "2022-07-01T09:30:00+08:00"}]
    for phone in ("13700000003", "13700000004"):  # 31 minutes before, 31 after
        assert phone not in matches


def test_the_same_venue_name_with_another_code_is_not_the_same_venue(matches):
    assert "13700000005" not in matches
    assert "13700000007" not in matches  # the right code, another day


def test_the_rule_takes_its_minutes_from_the_options(capsys, matches):
    wide = by_phone(copresence(capsys, "--phones", INDEX, *DAY, "--scan-window", "31", "--min-overlap", "30"))
    assert "13700000003" in wide and "13700000004" in wide
    assert "13900000001" not in wide and [m["overlap_minutes"] for m in wide["13900000012"]] == [35]


@pytest.mark.parametrize(("args", "message"), [
    (("--phones", "12345", *DAY), "手机号"),
    (("--phones", INDEX, "--from", "2022-13-01", "--to", "2022-07-01"), "开始日期"),
    (("--phones", INDEX, "--from", "2022-07-02", "--to", "2022-07-01"), "结束日期早于开始日期"),
    (("--phones", " , ", *DAY), "至少填写一个"),
])
def test_bad_input_exits_with_a_chinese_reason(capsys, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("copresence", *args, "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "failed" and message in out["message"]


def _reference(inputs, index, start, end, min_overlap, window):
    """The rule written plainly, pair by pair: what the engine's bucketed joins must equal."""
    loc = [r for r in inputs["locations"].to_pylist() if start <= r["entered_at"] < end]
    scans = [r for r in inputs["scans"].to_pylist() if start <= r["scanned_at"] < end]
    best: dict[tuple, tuple] = {}
    for i in (r for r in loc if r["phone"] in index):
        for r in loc:
            if r["cell"] != i["cell"] or r["phone"] == i["phone"]:
                continue
            seconds = (min(r["left_at"], i["left_at"]) - max(r["entered_at"], i["entered_at"])).total_seconds()
            if seconds > 0 and seconds >= min_overlap * 60:
                key = ("cell", r["phone"], i["phone"], i["cell"], i["entered_at"], i["left_at"])
                value = (-seconds, r["entered_at"], max(r["entered_at"], i["entered_at"]))
                best[key] = min(best.get(key, value), value)
    for i in (s for s in scans if s["phone"] in index):
        for s in scans:
            seconds = abs((s["scanned_at"] - i["scanned_at"]).total_seconds())
            if s["venue_code"] == i["venue_code"] and s["phone"] != i["phone"] and seconds <= window * 60:
                key = ("venue", s["phone"], i["phone"], i["venue_code"], i["scanned_at"], i["scanned_at"])
                value = (seconds, s["scanned_at"], s["scanned_at"])
                best[key] = min(best.get(key, value), value)
    return sorted((k[0], k[1], k[2], k[3], v[2], abs(int(v[0]))) for k, v in best.items())


@pytest.mark.parametrize(("min_overlap", "window"), [(10, 30), (0, 0), (45, 5)])
def test_the_bucketed_joins_equal_the_rule_written_pair_by_pair(min_overlap, window):
    """Random records with short, long (> 6 h, joined on the cell alone) and empty stays."""

    from fangkong.analytics import copresence as job

    inputs = random_records(seed=min_overlap + window)
    index = {f"139{n:08d}" for n in range(0, 300, 7)}
    start, end = naive(2022, 7, 1, 6), naive(2022, 7, 3, 18)
    out = job.compute_matches(inputs, sorted(index), start=start, end=end, min_overlap=min_overlap,
                              scan_window=window)
    got = sorted((r["kind"], r["phone"], r["index_phone"], r["place"], r["at"], r["seconds"])
                 for r in out.to_pylist())
    assert got == _reference(inputs, index, start, end, min_overlap, window) and len(got) > 20


def test_inputs_in_many_chunks_give_the_same_matches():
    """A store read hands over hundreds of chunks; the names and times of the output are taken
    from them chunk by chunk, and must be those of one chunk."""
    from fangkong.analytics import copresence as job

    inputs = random_records(seed=3)
    chunked = {n: pa.Table.from_batches(t.to_batches(max_chunksize=97)) for n, t in inputs.items()}
    assert chunked["scans"].column("phone").num_chunks > 10
    index = sorted({f"139{n:08d}" for n in range(0, 300, 11)})
    start, end = naive(2022, 7, 1, 6), naive(2022, 7, 3, 18)
    whole = job.compute_matches(inputs, index, start=start, end=end)
    assert job.compute_matches(chunked, index, start=start, end=end).equals(whole)
    assert whole.num_rows > 20 and set(whole.column("kind").to_pylist()) == {"cell", "venue"}


def test_phone_keys_keep_a_landlines_leading_zero_and_fall_back_to_a_dictionary():
    from fangkong.analytics.copresence import Phones

    phones = ["13800000001", "05711234567", "0313123456", "031312345678", "0", "13800000001"]
    keys, keyed = Phones.keyed(pa.chunked_array([pa.array(phones[:3]), pa.array(phones[3:])]))
    assert keyed.dictionary is None and keys[0] == keys[-1] and len(set(keys)) == 5
    assert keyed.text(keys).to_pylist() == phones
    wanted = keyed.keys(["0313123456", "313123456", "13800000001"])  # without its 0, another phone
    assert wanted[0] == keys[2] and wanted[1] not in keys and wanted[2] == keys[0]
    odd = ["13800000001", "+8613800000001", "１３８"]  # not plain digits: keys are dictionary places
    keys, keyed = Phones.keyed(pa.chunked_array([pa.array(odd)]))
    assert keyed.dictionary is not None and keyed.text(keys).to_pylist() == odd
    assert list(keyed.keys(["１３８", "x"])) == [keys[2]]


def test_a_landline_index_phone_matches_and_is_printed_with_its_zero():
    from fangkong.analytics import copresence as job

    inputs = random_records(seed=5)
    loc = inputs["locations"]
    phones = ["0" + p[1:] if p.endswith("7") else p for p in loc.column("phone").to_pylist()]
    inputs["locations"] = loc.set_column(0, "phone", pa.array(phones))
    index = sorted({p for p in phones if p.startswith("0")})[:5]
    start, end = naive(2022, 7, 1, 6), naive(2022, 7, 3, 18)
    out = job.compute_matches(inputs, index, start=start, end=end)
    got = sorted((r["kind"], r["phone"], r["index_phone"], r["place"], r["at"], r["seconds"]) for r in out.to_pylist())
    assert got == _reference(inputs, set(index), start, end, 10, 30) and len(got) > 5
    assert {r["index_phone"] for r in out.to_pylist() if r["kind"] == "cell"} <= set(index)
    assert any(r["phone"].startswith("0") for r in out.to_pylist())
