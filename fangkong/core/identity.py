"""Chinese identifiers done right: GB 11643 ID numbers, phone numbers, names and pinyin.

All cleaning functions raise `InvalidValue` with a Chinese message that an import shows to
the user next to the row.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
import secrets
import unicodedata
from functools import lru_cache

from stdnum import numdb
from stdnum.cn import ric

# GB/T 2260 province-level codes (incl. 71 台湾, 81 香港, 82 澳门).
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


class InvalidValue(ValueError):
    """A value that cannot be accepted; the message is shown to the user as is."""

    def detached(self) -> InvalidValue:
        """The same reason without its traceback (or the exception it was raised while handling),
        for a memo to keep: a kept traceback keeps every frame up the stack alive — a whole
        import's persons and rows, only the cycle collector can free them, in one long pass."""
        return InvalidValue(*self.args)


def to_halfwidth(value: str) -> str:
    """Full-width digits, letters and punctuation to their ASCII forms (NFKC), trimmed."""
    return unicodedata.normalize("NFKC", value).strip()


_WEIGHT_OFFSET = 48 * sum(_WEIGHTS)  # the ASCII code of "0" times each weight


def check_digit(first17: str) -> str:
    """The GB 11643 check character of 17 digits (callers pass digits only)."""
    # Weighted sum over the ASCII codes in C (map), minus what the codes add over the digits.
    total = sum(map(operator.mul, first17.encode(), _WEIGHTS)) - _WEIGHT_OFFSET
    return "10X98765432"[total % 11]


def upgrade_15(number: str) -> str:
    """A 15-digit legacy number (1984–1999) as its 18-digit form: century 19 and a check digit."""
    first17 = number[:6] + "19" + number[6:]
    return first17 + check_digit(first17)


@lru_cache(maxsize=4096)
def region_known(code6: str) -> bool:
    """Whether the six-digit region code appears in the GB/T 2260 table, in any period."""
    results = numdb.get("cn/loc").info(code6)
    return any("county" in props for _, props in results)


def clean_id_number(raw: object) -> str:
    """Validate an ID number (GB 11643) and return its canonical 18-character form.

    Accepts lowercase x, spaces and full-width characters, and upgrades 15-digit numbers.
    Codes of counties since abolished stay valid (people keep their numbers); a province
    code that does not exist does not. Numbers Excel turned into 4.10102E+17 are reported as
    damaged: the lost digits are never guessed.
    """
    if raw is None:
        raise InvalidValue("身份证号为空")
    if isinstance(raw, float | int) and not isinstance(raw, bool):
        raise InvalidValue("身份证号被表格软件存成了数字,后几位已丢失,请将该列设为文本后重新导出")
    value = re.sub(r"[\s\-]", "", to_halfwidth(str(raw))).upper()
    if not value:
        raise InvalidValue("身份证号为空")
    if _SCIENTIFIC.match(value):
        raise InvalidValue("身份证号被表格软件存成了科学计数法(如4.10102E+17),数字已丢失,请核对原始数据")
    if len(value) == 15 and value.isdigit():
        value = upgrade_15(value)
    if len(value) != 18:
        raise InvalidValue(f"身份证号应为18位,实际为{len(value)}位")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise InvalidValue("身份证号只能包含数字,最后一位可以是X")
    if value[:2] not in PROVINCE_CODES:
        raise InvalidValue(f"身份证号前两位{value[:2]}不是有效的省级行政区划代码")
    try:
        birth = ric.get_birth_date(value)
    except Exception as exc:
        raise InvalidValue(f"身份证号中的出生日期{value[6:14]}不存在") from exc
    if birth < dt.date(1880, 1, 1) or birth > dt.date.today():  # noqa: DTZ011 — a calendar date
        raise InvalidValue(f"身份证号中的出生日期{value[6:14]}不合理")
    if value[17] != check_digit(value[:17]):
        raise InvalidValue("身份证号校验码错误,请核对是否录入有误")
    return value


def is_valid_id_number(raw: object) -> bool:
    try:
        clean_id_number(raw)
    except InvalidValue:
        return False
    return True


def id_birth_date(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def id_sex(number: str) -> str:
    """'male' or 'female' from the order code's parity."""
    return "male" if int(number[16]) % 2 else "female"


_PHONE_JUNK = re.compile(r"[\s\-()()—_.]")


def clean_phone(raw: object) -> str:
    """A Chinese phone number in its plain form: 13812345678, or 0313-xxxxxxx landlines as digits.

    Strips +86 / 0086 / 86 prefixes, spaces, dashes and full-width digits.
    """
    if raw is None:
        raise InvalidValue("手机号为空")
    if isinstance(raw, float):
        if raw != int(raw):
            raise InvalidValue("手机号格式不正确")
        raw = int(raw)
    value = _PHONE_JUNK.sub("", to_halfwidth(str(raw)))
    if not value:
        raise InvalidValue("手机号为空")
    if value.startswith("+"):
        value = value[1:]
    for prefix in ("0086", "86"):
        if value.startswith(prefix) and len(value) - len(prefix) == 11:
            value = value[len(prefix):]
    if not value.isdigit():
        raise InvalidValue(f"手机号“{raw}”含有非数字字符")
    if len(value) == 11 and value.startswith("1"):
        if value[1] not in "3456789":
            raise InvalidValue(f"手机号“{value}”号段不存在")
        return value
    if value.startswith("0") and 10 <= len(value) <= 12:
        return value  # landline with area code
    raise InvalidValue(f"手机号“{value}”应为11位手机号或带区号的固定电话")


def clean_name(raw: object) -> str:
    if raw is None:
        raise InvalidValue("姓名为空")
    value = re.sub(r"\s+", "", to_halfwidth(str(raw)))
    value = value.replace("·", "·").replace(".", "·")
    if not value:
        raise InvalidValue("姓名为空")
    if len(value) > 40:
        raise InvalidValue("姓名过长")
    return value


# Surnames whose reading differs from the character's most common one.
_SURNAME_READINGS = {"曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "朴": "piao", "区": "ou", "查": "zha",
                     "翟": "zhai", "乐": "yue", "盖": "ge", "缪": "miao", "覃": "qin", "长": "chang", "重": "chong"}


@lru_cache(maxsize=1)
def _readings() -> dict[str, str]:
    """Each character's first reading, without tones ("ü" as "v"), from pypinyin's character
    table: what `lazy_pinyin(char, style=Style.NORMAL)` gives, for all 41,923 characters.

    Read from the data file, not through `import pypinyin`: the package loads its phrase
    dictionary on import, 0.2 s and 200,000 lists that the garbage collector then walks on
    every full collection of the process; we only ever ask for one character at a time."""
    import importlib.util
    import json
    from pathlib import Path

    spec = importlib.util.find_spec("pypinyin")  # finds the package without importing it
    with (Path(spec.submodule_search_locations[0]) / "pinyin_dict.json").open(encoding="utf-8") as fh:
        table = json.load(fh)

    def plain(readings: str) -> str:
        decomposed = unicodedata.normalize("NFKD", readings.split(",", 1)[0]).replace("u\u0308", "v")
        return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()

    return {chr(int(code)): plain(readings) for code, readings in table.items()}


def _char_pinyin(char: str) -> str:
    return _readings().get(char, "")


@lru_cache(maxsize=65536)
def name_pinyin(name: str) -> tuple[str, str]:
    """(full pinyin without tones, initials) of a name: 张伟 → ('zhangwei', 'zw'); 曾伟 → ('zengwei', 'zw')."""
    parts = [_SURNAME_READINGS.get(c) if i == 0 else None for i, c in enumerate(name)]
    parts = [p or _char_pinyin(c) for p, c in zip(parts, name, strict=True)]
    parts = [p for p in parts if p]
    return "".join(parts), "".join(p[0] for p in parts)


# Receipt codes (回执码) are read aloud over the phone and typed back: no 0/O and no 1/I.
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def receipt_code(length: int, prefix: str = "") -> str:
    """An unguessable receipt code: `prefix` and `length` characters of RECEIPT_ALPHABET (32 each)."""
    return prefix + "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(length))
