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
