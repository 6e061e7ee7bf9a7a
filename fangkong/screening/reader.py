"""Reading lead lists through the shared import framework (`core.imports`): the lead columns with
their Chinese header aliases, and date cells that may be blank."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from fangkong.core import imports
from fangkong.core.imports import Column

LEAD_COLUMNS = (
    Column("name", "姓名", ("名字", "人员姓名")),
    Column("id_number", "身份证号", ("身份证号码", "证件号码", "证件号", "身份证")),
    Column("phone", "手机号", ("手机号码", "联系电话", "电话", "手机", "联系方式")),
    Column("origin", "来源地", ("途经地", "风险地区", "来源地区", "来自", "出发地")),
    Column("arrived_at", "到达时间", ("抵达日期", "到达日期", "抵达时间", "返回时间", "返乡时间")),
    Column("address", "现住址", ("居住地址", "住址", "现居住地址", "现居住地", "详细地址")),
    Column("pushed_at", "推送时间", ("推送日期", "下发时间")),
    Column("source", "数据来源", ("来源", "线索来源")),
    Column("kind", "人员类别", ("是否境外", "境外返回")),
    Column("note", "备注", ("说明",)),
)


def read_table(data: bytes, file_name: str, columns: tuple[Column, ...] = LEAD_COLUMNS) -> Iterator[tuple[int, dict]]:
    """(spreadsheet row number, raw values by key) for every data row; ReadError if no header."""
    yield from imports.read_table(data, file_name, columns)


def parse_datetime(raw: object) -> dt.datetime | None:
    """An aware datetime from a cell (Excel serial, 2022年7月1日, 2022/7/1 …); None when blank."""
    if imports.is_blank(raw):
        return None
    return imports.parse_datetime(raw)
