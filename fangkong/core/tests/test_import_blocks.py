"""`Table.blocks(n)`: the data rows column-wise, n at a time, with exactly the row numbers and
raw values that iterating the table gives (odd CSV rows, spans mixing fast and odd rows, Excel)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from fangkong.core.imports import Column, read_table, reading

FIXTURES = Path(__file__).parent / "fixtures"
GOOD_ID = "110101199003074514"
COLUMNS = [
    Column("name", "姓名", required=True),
    Column("id_number", "身份证号", ("证件号码",)),
    Column("phone", "联系电话", ("手机号",)),
    Column("household", "户编号"),
    Column("day", "日期"),
]
HEADER = ["姓名", "身份证号", "备注", "手机号", "户编号"]  # 备注 is not mapped
ODD_ROWS = [
    ["张三", GOOD_ID, "", "13900000001", "H001"],
    ["  李四 ", f'="{GOOD_ID}"', "x", "13900000002", "'0012"],  # spaces, ="…", '…
    ["", "", "", "", ""],  # blank: skipped
    ["", "", "只有备注", "", ""],  # only an unmapped cell: skipped
    ["   ", "\t", "", " ", ""],  # whitespace only: skipped
    ["王五"],  # short
    ["ＡＢＣ", "１２３", "", "", "Ｈ００２"],  # full-width, folded
    ["赵六", "", "", "139 0000 0003", "H\u00a0003"],
    ["e\u0301", "", "", "", ""],  # decomposed: NFKC composes it
    ["钱七", GOOD_ID, "", "13900000004", "H004", "extra", "cells"],  # longer than the header
    ["= not a formula", "", "", "", ""],
    [],  # an empty line
    ["孙八", GOOD_ID, "", "13900000005", "H005"],
]


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def _flat(blocks) -> list[tuple[int, dict]]:
    return [(n, {key: values[i] for key, values in columns.items()}) for numbers, columns in blocks
            for i, n in enumerate(numbers)]


def _both(content: bytes, name: str, size: int) -> tuple[list, list, list[int]]:
    rows = list(read_table(content, name, COLUMNS))
    blocks = list(read_table(content, name, COLUMNS).blocks(size))
    return rows, _flat(blocks), [len(numbers) for numbers, _ in blocks]


@pytest.mark.parametrize("span", [1, 2, 3, 256])
@pytest.mark.parametrize("size", [1, 2, 5, 1000])
def test_csv_blocks_give_the_rows_and_values_of_iterating(monkeypatch, span, size):
    monkeypatch.setattr(reading, "SPAN", span)
    plain = [[f"人{n}", GOOD_ID, "", f"139{n:08d}", f"H{n}"] for n in range(7)]
    content = _csv([HEADER, *plain, *ODD_ROWS, *plain])
    rows, flat, sizes = _both(content, "x.csv", size)
    assert flat == rows
    assert [list(raw) for _, raw in flat] == [list(raw) for _, raw in rows]  # the keys in the mapping's order
    assert all(n == size for n in sizes[:-1]) and 0 < sizes[-1] <= size
    odd = dict(rows)
    assert odd[len(plain) + 3]["name"] == "李四" and odd[len(plain) + 3]["id_number"] == GOOD_ID
    assert odd[len(plain) + 3]["household"] == "0012"
    assert odd[len(plain) + 8] == {"name": "ABC", "id_number": "123", "phone": None, "household": "H002"}
    assert odd[len(plain) + 10]["name"] == "\u00e9"
    assert not {len(plain) + n for n in (4, 5, 6, 13)} & set(odd)


def test_csv_blocks_of_an_all_blank_file_and_of_plain_rows():
    assert list(read_table(_csv([HEADER, ["", "", "", "", ""]]), "x.csv", COLUMNS).blocks(10)) == []
    plain = [[f"人{n}", GOOD_ID, "", "", ""] for n in range(600)]
    rows, flat, sizes = _both(_csv([["名单"], HEADER, *plain]), "x.csv", 250)
    assert flat == rows and sizes == [250, 250, 100] and flat[0][0] == 3


def test_excel_blocks_give_the_rows_and_values_of_iterating(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([*HEADER, "日期"])
    sheet.append(["张三", GOOD_ID, None, 13900000001, "H001", dt.date(2022, 7, 1)])
    sheet.append([None, None, "备注", None, None, None])
    sheet.append(["  李四 ", "ＡＢＣ", None, None, 12.0, None])
    sheet.append(["王五"])
    buffer = io.BytesIO()
    book.save(buffer)
    rows, flat, sizes = _both(buffer.getvalue(), "x.xlsx", 2)
    assert flat == rows and sizes == [2, 1]
    assert rows[0][1]["phone"] == 13900000001 and rows[1][1]["name"] == "李四"


def test_xls_blocks_give_the_rows_and_values_of_iterating():
    content = (FIXTURES / "sample.xls").read_bytes()
    rows = list(read_table(content, "sample.xls", COLUMNS))
    assert _flat(read_table(content, "sample.xls", COLUMNS).blocks(2)) == rows


def test_a_table_is_read_once():
    table = read_table(_csv([HEADER, ["张三"]]), "x.csv", COLUMNS)
    list(table.blocks(10))
    with pytest.raises(RuntimeError):
        list(table)
