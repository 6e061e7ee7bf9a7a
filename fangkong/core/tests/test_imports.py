"""The shared import framework: reading files, cleaning rows, running batches, error sheets."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone

from fangkong.core.identity import InvalidValue, clean_id_number, clean_phone
from fangkong.core.imports import (
    Column,
    ReadError,
    as_text,
    choice,
    clean_row,
    normalize_header,
    parse_date,
    parse_datetime,
    read_table,
    text,
)

FIXTURES = Path(__file__).parent / "fixtures"
# Spreadsheet cells hold wall-clock times without a zone; the parsers make them aware.
CELL_0930 = dt.datetime(2022, 7, 1, 9, 30)  # noqa: DTZ001
CELL_0800 = dt.datetime(2022, 7, 1, 8, 0)  # noqa: DTZ001
CELL_0805 = dt.datetime(2022, 7, 1, 8, 5)  # noqa: DTZ001
GOOD_ID = "110101199003074514"
GOOD_ID_2 = "11010119900307731X"

COLUMNS = [
    Column("name", "姓名", required=True, clean=text(40, "姓名")),
    Column("id_number", "身份证号", ("证件号码", "公民身份号码", "身份证号码"), required=True, clean=clean_id_number),
    Column("phone", "联系电话", ("手机号", "手机号码"), clean=clean_phone),
    Column("household", "户编号"),
    Column("day", "登记日期", clean=parse_date),
]


def xlsx_bytes(rows: list[list], merges: tuple[str, ...] = (), sheet_title: str = "Sheet1",
               extra_sheets: dict[str, list[list]] | None = None) -> bytes:
    book = openpyxl.Workbook()
    for title, content in (extra_sheets or {}).items():
        extra = book.create_sheet(title, 0)
        for row in content:
            extra.append(row)
    sheet = book["Sheet"]
    sheet.title = sheet_title
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode(encoding)


def read_all(content: bytes, name: str, columns=COLUMNS, **kwargs):
    table = read_table(content, name, columns, **kwargs)
    return table, list(table)


# ---------------------------------------------------------------- headers, titles, merged cells


def test_it_finds_the_header_under_title_rows_and_fills_merged_cells():
    content = xlsx_bytes(
        [
            ["坝上示范县常住人口基础台账"],
            ["填报单位:某某村", None, None, "填报日期:2022年7月1日"],
            [],
            ["序号", "姓 名", "公民身份号码(18位)", "户编号", "*联系电话"],
            [1, "张三", GOOD_ID, "H001", "138 1234 5678"],
            [2, "李四", GOOD_ID_2, None, "+86 139-1234-5678"],
            [None, None, None, None, None],
            [3, "王五", "410102199001011237", "H002", None],
        ],
        merges=("A1:E1", "D5:D6"),
    )
    table, rows = read_all(content, "台账.xlsx")
    assert table.kind == "xlsx"
    assert table.header_row == 4
    assert table.mapping == {"name": 1, "id_number": 2, "household": 3, "phone": 4}
    assert table.unmapped_headers == ["序号"]
    assert [n for n, _ in rows] == [5, 6, 8]  # the empty row 7 is skipped, numbers stay the sheet's
    assert rows[1][1]["household"] == "H001"  # the merged 户编号 applies to both members
    assert rows[1][1]["name"] == "李四"
    values, reasons = clean_row(rows[1][1], COLUMNS)
    assert reasons == []
    assert values["phone"] == "13912345678"


def test_it_fills_merged_ranges_in_a_sheet_that_does_not_start_at_a1():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["C3"], sheet["D3"], sheet["E3"] = "姓名", "身份证号", "户编号"
    people = [("张三", GOOD_ID, "H001"), ("李四", GOOD_ID_2, None), ("王五", "x", None), ("赵六", "y", "H002")]
    for i, (name, number, household) in enumerate(people, start=4):
        sheet[f"C{i}"], sheet[f"D{i}"], sheet[f"E{i}"] = name, number, household
    sheet.merge_cells("E4:E6")  # one household over three members
    sheet["C9"] = "合并备注"
    sheet.merge_cells("C9:D10")  # a block: every cell of it reads the same value
    sheet["E10"] = "H003"
    out = io.BytesIO()
    book.save(out)
    table, rows = read_all(out.getvalue(), "a.xlsx")
    assert table.header_row == 3 and table.mapping == {"name": 2, "id_number": 3, "household": 4}
    assert [(n, r["household"]) for n, r in rows[:4]] == [(4, "H001"), (5, "H001"), (6, "H001"), (7, "H002")]
    assert [(n, r["name"], r["id_number"]) for n, r in rows[4:]] == [(9, "合并备注", "合并备注"),
                                                                     (10, "合并备注", "合并备注")]
    assert rows[-1][1]["household"] == "H003"


def test_it_matches_full_width_headers_and_values():
    content = csv_bytes([
        ["姓名", "身份证号码", "手机号"],
        ["张三", "110101199003074514", "138 1234 5678"],
    ])
    table, rows = read_all(content, "list.csv")
    assert table.mapping == {"name": 0, "id_number": 1, "phone": 2}
    values, reasons = clean_row(rows[0][1], COLUMNS)
    assert reasons == []
    assert values == {"name": "张三", "id_number": GOOD_ID, "phone": "13812345678", "household": None, "day": None}


def test_it_normalizes_headers():
    assert normalize_header("  *身份证 号:") == "身份证号"
    assert normalize_header("PHONE") == "phone"


def test_it_picks_the_sheet_that_holds_the_table():
    content = xlsx_bytes(
        [["姓名", "身份证号"], ["张三", GOOD_ID]],
        sheet_title="台账",
        extra_sheets={"说明": [["本表由网格员填写"], ["请勿修改表头"]]},
    )
    table, rows = read_all(content, "a.xlsx")
    assert table.sheet_name == "台账"
    assert rows == [(2, {"name": "张三", "id_number": GOOD_ID})]


def test_it_reports_a_file_without_a_header():
    content = csv_bytes([["甲", "乙"], ["1", "2"]])
    with pytest.raises(ReadError, match="未找到表头"):
        read_table(content, "x.csv", COLUMNS)


def test_it_reports_missing_required_columns_and_accepts_a_manual_mapping():
    content = csv_bytes([["姓名", "号码"], ["张三", GOOD_ID]])
    table = read_table(content, "x.csv", COLUMNS)
    assert [c.key for c in table.missing] == ["id_number"]
    with pytest.raises(ReadError, match="缺少必填列:身份证号"):
        table.check()
    table.remap({"id_number": 1})
    table.check()
    assert list(table) == [(2, {"name": "张三", "id_number": GOOD_ID})]


def test_it_lets_a_manual_mapping_leave_a_column_out():
    content = csv_bytes([["姓名", "身份证号", "手机号"], ["张三", GOOD_ID, "坏号码"]])
    _, rows = read_all(content, "x.csv", mapping={"phone": None})
    assert rows == [(2, {"name": "张三", "id_number": GOOD_ID})]


def test_it_rejects_files_that_are_not_tables():
    with pytest.raises(ReadError, match="不支持的文件类型"):
        read_table(b"%PDF-1.4", "a.pdf", COLUMNS)
    with pytest.raises(ReadError, match="不是有效的Excel文件"):
        read_table(b"hello", "a.xlsx", COLUMNS)
    with pytest.raises(ReadError, match="无法读取Excel文件"):
        read_table(b"PK\x03\x04broken", "a.xlsx", COLUMNS)


# ---------------------------------------------------------------- csv encodings and quirks


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_it_reads_csv_in_the_usual_encodings(encoding):
    content = csv_bytes([["姓名", "证件号码", "户编号"], ["欧阳娜娜", GOOD_ID, "H001"]], encoding=encoding)
    table, rows = read_all(content, "名单.csv")
    assert table.headers == ["姓名", "证件号码", "户编号"]
    assert rows == [(2, {"name": "欧阳娜娜", "id_number": GOOD_ID, "household": "H001"})]


def test_it_reads_excels_unicode_text_export():
    content = codecs.BOM_UTF16_LE + csv_bytes(
        [["姓名", "身份证号"], ["张三", GOOD_ID]], encoding="utf-16-le", delimiter="\t"
    )
    _, rows = read_all(content, "名单.txt")
    assert rows == [(2, {"name": "张三", "id_number": GOOD_ID})]


def test_it_reads_csv_from_a_path_and_a_file_object(tmp_path):
    content = csv_bytes([["姓名", "身份证号"], ["张三", GOOD_ID]], encoding="gbk")
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    assert list(read_table(path, "x.csv", COLUMNS)) == [(2, {"name": "张三", "id_number": GOOD_ID})]
    assert list(read_table(io.BytesIO(content), "x.csv", COLUMNS)) == [(2, {"name": "张三", "id_number": GOOD_ID})]


def test_it_unwraps_excel_text_tricks_in_csv():
    content = csv_bytes([
        ["姓名", "身份证号", "户编号"],
        ["张三", f'="{GOOD_ID}"', "'0012"],
        ["李四", f"\t{GOOD_ID_2}", "0013"],
    ])
    _, rows = read_all(content, "x.csv")
    assert rows[0][1] == {"name": "张三", "id_number": GOOD_ID, "household": "0012"}
    assert rows[1][1]["id_number"] == GOOD_ID_2


def test_it_counts_csv_rows_for_progress():
    content = csv_bytes([["某县名单"], ["姓名", "身份证号"], *[["张三", GOOD_ID]] * 5])
    table = read_table(content, "x.csv", COLUMNS)
    assert table.header_row == 2
    assert table.total == 5


def test_it_keeps_short_csv_rows():
    content = csv_bytes([["姓名", "身份证号", "手机号"], ["张三"]])
    _, rows = read_all(content, "x.csv")
    assert rows == [(2, {"name": "张三", "id_number": None, "phone": None})]


# ---------------------------------------------------------------- xls


def test_it_reads_legacy_xls_with_merged_cells_and_dates():
    table, rows = read_all((FIXTURES / "sample.xls").read_bytes(), "sample.xls")
    assert table.kind == "xls"
    assert table.header_row == 2  # under the merged title row
    assert [n for n, _ in rows] == [3, 4, 5]
    first, second, third = (r for _, r in rows)
    assert first["day"] == dt.date(2022, 7, 1)
    assert second["household"] == "H001"  # merged over the first two data rows
    assert clean_row(second, COLUMNS)[0]["phone"] == "13912345678"  # stored as a number
    _, reasons = clean_row(third, COLUMNS)
    assert reasons == ["身份证号被表格软件存成了数字,后几位已丢失,请将该列设为文本后重新导出"]
    assert clean_row(third, COLUMNS)[0]["day"] == dt.date(2022, 7, 3)


def test_it_reads_an_xls_file_by_its_content_whatever_its_name():
    table = read_table(FIXTURES / "sample.xls", "名单.xlsx", COLUMNS)
    assert table.kind == "xls"


# ---------------------------------------------------------------- damaged ID numbers


def test_it_reports_id_numbers_excel_damaged_and_never_guesses_them():
    content = xlsx_bytes([
        ["姓名", "身份证号"],
        ["张三", 410102199001011234],  # a number: the last digits are gone
        ["李四", "4.10102E+17"],  # the same after a round trip through text
        ["王五", "410102199001011235"],  # a wrong check digit
        ["赵六", GOOD_ID.lower()],
    ])
    _, rows = read_all(content, "a.xlsx")
    results = [clean_row(raw, COLUMNS) for _, raw in rows]
    assert "存成了数字" in results[0][1][0]
    assert "科学计数法" in results[1][1][0]
    assert "校验码错误" in results[2][1][0]
    assert results[0][0]["id_number"] is None and results[1][0]["id_number"] is None
    assert results[3][1] == []


# ---------------------------------------------------------------- dates and times


@pytest.mark.parametrize("value", [
    dt.date(2022, 7, 1), CELL_0930, 44743, 44743.75, "44743", 20220701,
    "2022年7月1日", "2022年07月01日", "2022/7/1", "2022.07.01", "2022-07-01", "20220701", "22.7.1",
    "2022-07-01 14:30:00", "二〇二二年七月一日", "7月1日", "7/1", "2022年7月1号",
])
def test_it_parses_the_usual_date_forms(value):
    assert parse_date(value, year=2022) == dt.date(2022, 7, 1)


@pytest.mark.parametrize("value, message", [
    ("2022年2月30日", "不存在"), ("明天", "无法识别"), ("", "为空"), (None, "为空"), (-5, "不是有效的日期"),
])
def test_it_explains_dates_it_cannot_read(value, message):
    with pytest.raises(InvalidValue, match=message):
        parse_date(value)


@pytest.mark.parametrize("value, expected", [
    ("2022-07-01 14:30", (14, 30)),
    ("2022年7月1日14时30分", (14, 30)),
    ("2022年7月1日 14点", (14, 0)),
    ("2022/7/1 下午3点", (15, 0)),
    ("2022/7/1 下午3点半", (15, 30)),
    ("2022/7/1 凌晨12点", (0, 0)),
    ("7月1日 15:05:09", (15, 5)),
    ("2022-07-01T14:30:00+08:00", (14, 30)),
    (44743.5, (12, 0)),
    (CELL_0800, (8, 0)),
    ("2022-07-01", (0, 0)),
])
def test_it_parses_the_usual_datetime_forms(value, expected):
    result = parse_datetime(value, year=2022)
    assert timezone.is_aware(result)
    local = timezone.localtime(result)
    assert (local.date(), (local.hour, local.minute)) == (dt.date(2022, 7, 1), expected)


def test_it_explains_times_it_cannot_read():
    with pytest.raises(InvalidValue, match="时间“2022-07-01 25:00”不存在"):
        parse_datetime("2022-07-01 25:00")
    with pytest.raises(InvalidValue, match="无法识别"):
        parse_datetime("2022-07-01 傍晚时分")


# ---------------------------------------------------------------- cleaning


def test_it_cleans_rows_with_chinese_reasons():
    columns = [*COLUMNS, Column("status", "状态", clean=choice({"在家": "present", "外出": "away"}, "状态"))]
    values, reasons = clean_row(
        {"name": None, "id_number": "123", "phone": "12345", "day": "2022-13-01", "status": "失联"}, columns
    )
    assert reasons == [
        "姓名为空",
        "身份证号应为18位,实际为3位",
        "联系电话:手机号“12345”应为11位手机号或带区号的固定电话",
        "登记日期:日期“2022-13-01”不存在",
        "状态“失联”无法识别,应为在家、外出之一",
    ]
    assert values["household"] is None


def test_it_turns_cells_into_text():
    assert as_text(12.0) == "12"
    assert as_text(1.5) == "1.5"
    assert as_text(dt.date(2022, 7, 1)) == "2022-07-01"
    assert as_text(CELL_0805) == "2022-07-01 08:05:00"
    assert as_text(None) == ""
    with pytest.raises(InvalidValue, match="地址过长"):
        text(5, "地址")("坝上示范县某某镇")
