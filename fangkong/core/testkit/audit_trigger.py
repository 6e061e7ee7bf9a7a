"""Tests only: the database trigger that keeps the audit log immutable (migration core.0010),
lifted for a block — the English crawl rewrites every stored Chinese text, audit rows included."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module

from django.db import connection

MIGRATION = "fangkong.core.migrations.0010_auditlog_immutable"


@contextmanager
def audit_log_writable() -> Iterator[None]:
    sql = import_module(MIGRATION)
    on, off = {
        "postgresql": ("ALTER TABLE core_auditlog ENABLE TRIGGER core_auditlog_immutable",
                       "ALTER TABLE core_auditlog DISABLE TRIGGER core_auditlog_immutable"),
        "sqlite": (sql.SQLITE_UP, sql.SQLITE_DOWN),
    }.get(connection.vendor, ("", ""))
    if off:
        with connection.cursor() as cursor:
            cursor.execute(off)
    try:
        yield
    finally:
        if on:
            with connection.cursor() as cursor:
                cursor.execute(on)
