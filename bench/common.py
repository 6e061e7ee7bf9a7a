"""Shared benchmark plumbing: a fresh database per run, timers, and the JSON result file.

A benchmark is a module `bench/<name>.py` with `main(db: str) -> dict` (db is "sqlite" or
"postgres"); `bench/run` runs it in a fresh process per database, because Django reads
DATABASE_URL once at start-up. Targets are ratios against a baseline measured in the same run
(e.g. plain DuckDB SQL), never absolute timings in unit tests.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_URL = os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")


def postgres_available() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_URL, connect_timeout=3).close()
        return True
    except Exception:
        return False


def setup_django(db: str, name: str) -> str:
    """Point Django at a fresh, migrated database of kind `db` and return its URL."""
    if db == "sqlite":
        path = Path(tempfile.gettempdir()) / f"fangkong-bench-{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    elif db == "postgres":
        import psycopg

        dbname = f"bench_{name}"
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{dbname}"')
        url = PG_URL.rsplit("/", 1)[0] + f"/{dbname}"
    else:
        raise SystemExit(f"unknown database kind {db}")
    os.environ["DATABASE_URL"] = url
    # The co-presence record store (files beside the database): as fresh as the database.
    store = Path(tempfile.gettempdir()) / f"fangkong-bench-{name}-{db}-records"
    shutil.rmtree(store, ignore_errors=True)
    os.environ["FANGKONG_COPRESENCE_STORE"] = str(store)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    # Measured as deployed: with DEBUG on, Django formats and keeps every query it runs.
    os.environ.setdefault("DEBUG", "0")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return url


def settle() -> None:
    """Put the setup's writes behind the database before a timed step, so that the step is
    measured and not what ran before it: statistics of every table (PostgreSQL here runs no
    autovacuum) and a checkpoint (on PostgreSQL the setup's dirty pages would otherwise be
    flushed, and its WAL's checkpoint fall, during the step; on SQLite the write-ahead log
    copied into the database file)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")
        cur.execute("CHECKPOINT" if connection.vendor == "postgresql" else "PRAGMA wal_checkpoint(TRUNCATE)")


@contextmanager
def timed(figures: dict, key: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    figures[key] = round(time.perf_counter() - start, 3)


def write_result(name: str, figures: dict) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    return path
