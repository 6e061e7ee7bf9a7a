"""`core.canonical`: the column-wise fast paths pick exactly the values the per-value cleaners
return unchanged (or, for times, read the same), so priming a memo with them changes nothing."""

from __future__ import annotations

import datetime as dt
import random

from fangkong.core.canonical import canonical_ids, canonical_names, canonical_phones, canonical_times, prime
from fangkong.core.identity import InvalidValue, check_digit, clean_id_number, clean_name, clean_phone
from fangkong.core.imports import parse_datetime
from fangkong.screening.cleaning import _clean_id_fast
from fangkong.sectors.checkpoint_cleaning import canonical_plates, clean_id, clean_plate


def _unchanged(clean, value) -> bool:
    try:
        return clean(value) == value
    except (InvalidValue, ValueError):
        return False


def _ids() -> list[object]:
    rng, out = random.Random(13), []
    for _ in range(3000):
        first17 = (f"{rng.choice(['11', '31', '44', '65', '99', '00'])}{rng.randrange(10**4):04d}"
                   f"{rng.choice(['18', '19', '20', '21'])}{rng.randrange(100):02d}{rng.randrange(14):02d}"
                   f"{rng.randrange(33):02d}{rng.randrange(1000):03d}")
        out.append(first17 + (check_digit(first17) if rng.random() < 0.8 else rng.choice("0123456789Xx")))
    today = dt.date.today()  # noqa: DTZ011 — a calendar date
    born_today = f"110105{today:%Y%m%d}123"
    return [*out, "11010519000229002X", "11010520000229002X", born_today + check_digit(born_today),
            "110105198501010010", "4.10102E+17", "110105850101001", "", "  ", None, 3.0, "１１０１０５１９４９１２３１００２X"]


def test_it_picks_exactly_the_id_numbers_the_cleaners_return_unchanged():
    values = _ids()
    picked = canonical_ids(values)
    assert picked and all(k == v for k, v in picked.items())
    for value in {v for v in values if isinstance(v, str)}:
        assert (value in picked) == _unchanged(clean_id, value) == _unchanged(_clean_id_fast, value), value
        if value in picked:
            assert clean_id_number(value) == value


def test_it_picks_exactly_the_mobiles_clean_phone_returns_unchanged():
    rng = random.Random(7)
    values = [f"1{rng.randrange(10**10):010d}" for _ in range(2000)]
    values += ["+8613812345678", "138 1234 5678", "03111234567", "12345678901", "1381234567", "１３８１２３４５６７８"]
    picked = canonical_phones(values)
    for value in set(values):  # landlines are left to clean_phone
        assert (value in picked) == (_unchanged(clean_phone, value) and value.startswith("1")), value


def test_it_reads_plain_times_as_parse_datetime_does():
    values = ["2022-07-01 08:30", "2022-07-01 08:30:15", "2022-02-30 08:30", "2022-07-01 24:00", "2022/07/01 08:30",
              "2022-7-1 8:30", "2022-07-01T08:30", " 2022-07-01 08:30"]
    picked = canonical_times(values)
    assert set(picked) == {"2022-07-01 08:30", "2022-07-01 08:30:15"}
    for value, when in picked.items():
        assert when == parse_datetime(value) and when.tzinfo is parse_datetime(value).tzinfo


def test_it_picks_only_names_and_plates_the_cleaners_return_unchanged():
    names = ["张三", "外来0", "Li Lei", "LiLei", "阿依古丽·买买提", "阿依古丽.买买提", " 张三", "张三 ", "ＡＢＣ", "张三\n",
             "㐀", "e\u0301", "", "·", "张" * 40, "张" * 41, None, 3.0, "\u2f00"]
    picked = canonical_names(names)
    assert set(picked) == {"张三", "外来0", "LiLei", "阿依古丽·买买提", "·", "张" * 40}
    assert all(clean_name(v) == v for v in picked)
    plates = ["浙A12345", "粤BD12345", "浙a12345", "浙A·12345", "浙Ａ12345", "浙A12345\n", "浙A1234", "沪A1234挂", None]
    picked = canonical_plates(plates)
    assert set(picked) == {"浙A12345", "粤BD12345", "沪A1234挂"}
    assert all(clean_plate(v) == v for v in picked)
    assert all(_unchanged(clean_plate, v) == (v in picked) for v in plates if v)


def test_priming_empties_a_full_memo_first():
    memo = {str(n): str(n) for n in range(5)}
    prime(memo, {"a": "a", "b": "b"}, limit=6)
    assert memo == {"a": "a", "b": "b"}
    prime(memo, {"c": "c"}, limit=6)
    assert set(memo) == {"a", "b", "c"}
