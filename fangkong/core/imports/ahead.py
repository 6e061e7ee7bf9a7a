"""Cleaning the next block of a list while the current one is written.

An import's cleaning is Python; its writing is mostly the database's work (SQLite's B-trees run
without the interpreter lock, PostgreSQL in its own process), so on two cores the two overlap.
`cleaned_ahead` reads and cleans block n+1 in a thread while the caller writes block n. The
thread must touch no database (the caller loads what cleaning needs first); it runs in the
caller's time zone and language, which Django keeps per thread.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from django.db import connections
from django.utils import timezone, translation

Row = tuple[int, dict[str, Any]]
T = TypeVar("T")


def blocks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    block: list[Row] = []
    for row in rows:
        block.append(row)
        if len(block) >= size:
            yield block
            block = []
    if block:
        yield block


def cleaned_ahead(rows: Iterable[Row], size: int, clean: Callable[[list[Row]], T]) -> Iterator[tuple[list[Row], T]]:
    """Blocks of `size` rows with `clean(block)`, the next block's computed in a thread."""
    source, tz, language = blocks(rows, size), timezone.get_current_timezone(), translation.get_language()

    def following() -> tuple[list[Row], T] | None:
        with timezone.override(tz), translation.override(language):
            block = next(source, None)
            return None if block is None else (block, clean(block))

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-clean")
    try:
        future = pool.submit(following)
        while (current := future.result()) is not None:
            future = pool.submit(following)
            yield current
    finally:
        with contextlib.suppress(RuntimeError):  # at interpreter exit the pool takes no more work
            pool.submit(connections.close_all).result()  # should anything have opened one there
        pool.shutdown(wait=True, cancel_futures=True)
