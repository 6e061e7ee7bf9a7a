"""Spans of data rows read into columns, for `Table.blocks`: the same row numbers and values as
iterating a `Table` gives, without a dict per row."""

from __future__ import annotations

import unicodedata
from typing import Any

from .columns import _cell


def csv_span(span: list[list[str]], number: int, need: int, indexes: list[int], numbers: list[int],
             columns: list[list[Any]]) -> None:
    """A span of CSV rows into `numbers` and `columns` (`indexes`: the mapped columns' positions),
    column by column when the whole span takes the fast path, else row by row."""
    if min(map(len, span)) < need:
        span = [row if len(row) >= need else [*row, *([""] * (need - len(row)))] for row in span]
    # "\x1f" composes with nothing: the span's text is NFKC-normalised iff each row's is.
    text = "\x1f".join(map("\x1f".join, span))
    if not (unicodedata.is_normalized("NFKC", text) and "'" not in text and "=" not in text):
        rows_span(span, number, need, indexes, numbers, columns, "")
        return
    cells = list(zip(*span, strict=False)) if need else []  # rows may run past the mapped columns
    values = [[v.strip() or None for v in cells[i]] for i in indexes]
    keep = range(len(span))
    if values:
        blank = [i for i, v in enumerate(values[0]) if v is None and not any(c[i] for c in values)]
        if blank:
            skip = set(blank)
            keep = [i for i in keep if i not in skip]
            values = [[c[i] for i in keep] for c in values]
    else:
        keep = []  # no mapped column: every row is empty
    numbers.extend(number + i for i in keep)
    for column, part in zip(columns, values, strict=True):
        column.extend(part)

def rows_span(span: list[list[Any]], number: int, need: int, indexes: list[int], numbers: list[int],
              columns: list[list[Any]], pad: str | None) -> None:
    """A span row by row, as `__iter__` reads it (`pad` "" for CSV rows, else None)."""
    is_normalized = unicodedata.is_normalized
    for offset, row in enumerate(span):
        if len(row) < need:
            row = [*row, *([pad] * (need - len(row)))]
        if pad == "":
            line = "\x1f".join(row)
            if is_normalized("NFKC", line) and "'" not in line and "=" not in line:
                values = [row[i].strip() or None for i in indexes]
                if any(values):
                    numbers.append(number + offset)
                    for column, value in zip(columns, values, strict=True):
                        column.append(value)
                continue
        values = [_cell(row[i]) for i in indexes]
        if any(v is not None for v in values):
            numbers.append(number + offset)
            for column, value in zip(columns, values, strict=True):
                column.append(value)
