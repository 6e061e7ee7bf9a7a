"""Tests only: the database trigger that keeps the audit log immutable (migration core.0011),
lifted for a block — the English crawl rewrites every stored Chinese text, audit rows included."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module

from django.db import connection

MIGRATION = "fangkong.core.migrations.0011_auditlog_immutable"


@contextmanager
def audit_log_writable() -> Iterator[None]:
    sql = import_module(MIGRATION)
    # PostgreSQL: no ALTER TABLE (refused while the test's transaction has deferred constraint
    # events pending); the session's replication role fires no ordinary trigger (superuser only,
    # as the test database's role is; the application's role in production is not).
    on, off = {
        "postgresql": (("SET session_replication_role = DEFAULT",), ("SET session_replication_role = replica",)),
        "sqlite": (sql.SQLITE_UP, sql.SQLITE_DOWN),
    }.get(connection.vendor, ((), ()))
    with connection.cursor() as cursor:
        for statement in off:
            cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for statement in on:
                cursor.execute(statement)
