"""Cleaning what a checkpoint registers, the way people and the province's system write it: ID
numbers (GB 11643, 15-digit numbers upgraded), plates, code colours, yes / no. One set of
cleaners for the phone screen, the API and the lists; each raises `InvalidValue` in Chinese and
is memoised per distinct value (a list repeats the same places, colours and dates)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from fangkong.core.identity import (
    PROVINCE_CODES,
    InvalidValue,
    check_digit,
    clean_id_number,
    clean_name,
    clean_phone,
)
from fangkong.core.imports import Column, parse_date, parse_datetime, text

from .choices import HealthCode, ItineraryCode, TestResult, VehicleType

PROVINCE_CHARS = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领"
PLATE_RE = re.compile(rf"^[{PROVINCE_CHARS}][A-Z][A-Z0-9]{{4,5}}[A-Z0-9挂学警港澳]$")


def clean_plate(value: Any) -> str:
    """车牌号: 浙A12345, 粤B·D12345 (new energy), upper case, the dot and spaces dropped."""
    plate = unicodedata.normalize("NFKC", str(value or "")).upper()
    plate = re.sub(r"[\s·.\-]", "", plate)
    if not PLATE_RE.match(plate):
        raise InvalidValue(f"车牌号“{value}”格式不正确（如：浙A12345）")
    return plate


def canonical_plates(values) -> dict[str, str]:
    """The distinct values `clean_plate` returns unchanged, column-wise (`core.canonical.prime`):
    plates already written in the canonical form (nothing NFKC folds, upper case, no dot)."""
    match = PLATE_RE.fullmatch
    return {v: v for v in set(values) if v.__class__ is str and match(v)}


def _words(options: dict[str, tuple[str, ...]], label: str):
    def clean(value: Any) -> str:
        word = unicodedata.normalize("NFKC", str(value or "")).strip().lower()
        for code, spellings in options.items():
            if word == code or word in spellings:
                return code
        for code, spellings in options.items():
            if any(s and s in word for s in spellings if len(s) >= 2):
                return code
        raise InvalidValue(f"{label}“{value}”无法识别")
    return clean


clean_health_code = _words({
    HealthCode.GREEN: ("绿", "绿码", "green", "g"), HealthCode.YELLOW: ("黄", "黄码", "yellow", "y"),
    HealthCode.RED: ("红", "红码", "red", "r"), HealthCode.UNKNOWN: ("无", "未出示", "未知", "-")}, "健康码")
clean_itinerary = _words({
    ItineraryCode.NORMAL: ("正常", "绿", "绿色", "无星", "不带星", "否", "normal"),
    ItineraryCode.STARRED: ("带星", "星", "*", "有星", "是", "starred"),
    ItineraryCode.UNKNOWN: ("无", "未出示", "未知", "-")}, "行程卡")
clean_test_result = _words({
    TestResult.NEGATIVE: ("阴", "阴性", "negative", "-阴性"), TestResult.POSITIVE: ("阳", "阳性", "positive"),
    TestResult.NONE: ("无", "未检测", "无结果", "未知")}, "核酸结果")
clean_vehicle_type = _words({
    VehicleType.CAR: ("小车", "小型客车", "小型汽车", "轿车", "私家车", "小型车", "car"),
    VehicleType.BUS: ("客车", "大客车", "中型客车", "大巴", "大中型客车", "bus"),
    VehicleType.TRUCK: ("货车", "大货车", "小货车", "挂车", "厢式货车", "truck"),
    VehicleType.MOTORCYCLE: ("摩托", "摩托车", "电动车", "motorcycle"),
    VehicleType.OTHER: ("其他", "其它", "其他车辆")}, "车辆类型")


def clean_yes(value: Any) -> bool:
    word = str(value or "").strip().lower()
    if word in ("是", "过境", "y", "yes", "true", "1", "√"):
        return True
    if word in ("否", "n", "no", "false", "0", "不过境", "入县", ""):
        return False
    raise InvalidValue(f"是否过境“{value}”应填写“是”或“否”")


def clean_occupants(value: Any) -> int:
    raw = unicodedata.normalize("NFKC", str(value)).strip().removesuffix("人")
    try:
        n = float(raw)
    except ValueError:
        raise InvalidValue(f"车上人数“{value}”应为整数") from None
    if n != int(n) or not 0 <= n <= 200:
        raise InvalidValue(f"车上人数“{value}”应为0至200的整数")
    return int(n)


_ID18 = re.compile(r"^\d{17}[\dX]$")


def clean_id(value: Any) -> str:
    """身份证号 per GB 11643 (`stdnum.cn.ric`): 18 digits with a right check digit; a 15-digit
    number is upgraded; the reason of a wrong one in Chinese. A canonical number whose province,
    birth date and check digit are right is taken at once (lists are mostly such numbers)."""
    if value.__class__ is str and _ID18.match(value) and value[:2] in PROVINCE_CODES \
            and value[17] == check_digit(value[:17]):
        try:
            birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
        except ValueError:
            birth = None
        if birth is not None and dt.date(1880, 1, 1) <= birth <= dt.date.today():  # noqa: DTZ011 — a calendar date
            return value
    return clean_id_number(value)  # the slow path gives the precise Chinese reason


MEMO_LIMIT = 300_000


class Memo(dict):
    """value → cleaned value (or the InvalidValue it raised), each distinct value cleaned once."""

    __slots__ = ("clean",)

    def __init__(self, clean) -> None:
        super().__init__()
        self.clean = clean

    def __missing__(self, value: Any) -> Any:
        try:
            out = self.clean(value)
        except (InvalidValue, ValueError) as exc:
            out = InvalidValue(str(exc))
        if len(self) < MEMO_LIMIT:
            try:
                self[value] = out
            except TypeError:
                pass
        return out


COLUMNS = [
    Column("checkpoint", "卡口", ("卡口名称", "卡口编号", "检查站", "卡点", "卡口点位"), required=True),
    Column("registered_at", "登记时间", ("核查时间", "通行时间", "检查时间", "时间", "入县时间"), required=True,
           clean=parse_datetime),
    Column("name", "姓名", ("人员姓名", "乘客姓名", "驾乘人员"), clean=clean_name),
    Column("id_number", "身份证号", ("身份证号码", "证件号码", "证件号", "公民身份号码"), clean=clean_id),
    Column("phone", "手机号", ("联系电话", "手机号码", "电话"), clean=clean_phone),
    Column("origin", "出发地", ("来源地", "始发地", "从何处来", "来自"), clean=text(100, "出发地")),
    Column("destination", "目的地", ("去往", "目的地址", "到达地", "落脚点", "前往地址"), clean=text(100, "目的地")),
    Column("destination_grid", "目的地网格", ("网格", "网格编码", "落地网格"), clean=text(64, "目的地网格")),
    Column("health_code", "健康码", ("健康码颜色", "码色"), clean=clean_health_code),
    Column("itinerary", "行程卡", ("行程码", "通信行程卡"), clean=clean_itinerary),
    Column("test_result", "核酸结果", ("最近核酸结果", "核酸检测结果"), clean=clean_test_result),
    Column("tested_on", "核酸日期", ("最近核酸日期", "核酸检测时间", "采样日期"), clean=parse_date),
    Column("plate", "车牌号", ("车牌", "车牌号码", "号牌号码"), clean=clean_plate),
    Column("vehicle_type", "车辆类型", ("车型", "车辆种类"), clean=clean_vehicle_type),
    Column("occupants", "车上人数", ("乘车人数", "载客人数", "人数"), clean=clean_occupants),
    Column("cargo", "货物", ("装载货物", "所载货物", "货物名称"), clean=text(100, "货物")),
    Column("stopovers", "14天途经地", ("途经地", "14天行程", "途经城市", "途经地区"), clean=text(255, "途经地")),
    Column("transit", "是否过境", ("过境", "过境车辆"), clean=clean_yes),
]
