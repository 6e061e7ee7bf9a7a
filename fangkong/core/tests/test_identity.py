import pytest

from fangkong.core.identity import InvalidValue, clean_id_number, clean_phone, id_sex, name_pinyin, upgrade_15


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("11010519491231002X", "11010519491231002X"),  # GB 11643 sample
        ("11010519491231002x", "11010519491231002X"),  # lowercase x
        ("440524188001010014", "440524188001010014"),  # GB 11643 sample, born 1880
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),  # full-width
        ("110105 1949 1231 002X", "11010519491231002X"),
        ("130721199001010011", None),  # 宣化县, abolished 2016: stays valid
    ],
)
def test_it_accepts_valid_numbers(raw, expected):
    if expected is None:
        from fangkong.core.identity import check_digit

        expected = raw[:17] + check_digit(raw[:17])
        raw = expected
    assert clean_id_number(raw) == expected


def test_it_upgrades_15_digit_numbers():
    assert upgrade_15("110105491231002") == "11010519491231002X"
    assert clean_id_number("110105491231002") == "11010519491231002X"


@pytest.mark.parametrize(
    "raw, message",
    [
        ("110105194912310021", "校验码"),
        ("110105199902300020", "出生日期"),
        ("990105194912310021", "省级"),
        ("4.10102E+17", "科学计数法"),
        ("1101051949123100", "18位"),
        ("", "为空"),
    ],
)
def test_it_rejects_broken_numbers_with_a_chinese_reason(raw, message):
    with pytest.raises(InvalidValue, match=message):
        clean_id_number(raw)


def test_it_reports_numbers_excel_turned_into_floats():
    with pytest.raises(InvalidValue, match="数字"):
        clean_id_number(4.10102e17)


def test_it_derives_sex_from_the_order_code():
    assert id_sex("11010519491231002X") == "female"
    assert id_sex("440524188001010014") == "male"


@pytest.mark.parametrize(
    "raw", ["13812345678", "+86 138 1234 5678", "0086-138-1234-5678", "１３８１２３４５６７８", "138-1234-5678", 13812345678.0]
)
def test_it_normalises_phones(raw):
    assert clean_phone(raw) == "13812345678"


@pytest.mark.parametrize("raw", ["1381234567", "12812345678", "abc"])
def test_it_rejects_bad_phones(raw):
    with pytest.raises(InvalidValue):
        clean_phone(raw)


def test_it_spells_names_in_pinyin():
    assert name_pinyin("张伟") == ("zhangwei", "zw")
    assert name_pinyin("曾伟") == ("zengwei", "zw")


def test_each_character_reads_as_pypinyin_reads_it_without_loading_its_phrases():
    """The character table is read from pypinyin's data file: the same reading as
    `lazy_pinyin(char, style=Style.NORMAL)` for every character it knows ("ü" as "v", tones
    dropped, the first of several readings), nothing for the rest, and no `import pypinyin`
    (its phrase dictionary costs 0.2 s and 200,000 objects the garbage collector walks)."""
    import subprocess
    import sys

    from pypinyin import Style, lazy_pinyin

    from fangkong.core.identity import _char_pinyin, _readings

    table = _readings()
    assert len(table) > 40_000
    sample = list(table)[::37] + list("吕绿女略虐疟长重行乐曾单a1，ｚ")
    assert [_char_pinyin(c) for c in sample] == [
        "".join(lazy_pinyin(c, style=Style.NORMAL, errors="ignore")).lower() for c in sample]
    assert name_pinyin("吕女士") == ("lvnvshi", "lns")
    code = ("import sys; from fangkong.core.identity import name_pinyin; name_pinyin('张伟'); "
            "raise SystemExit('pypinyin' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
