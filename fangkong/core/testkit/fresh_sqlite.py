"""A function run in a fresh process on a SQLite file with a small county: how the writer-process
tests see SQLite's file locks between two processes, which an in-memory test database hides."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]


def run_on_a_sqlite_file(tmp_path: Path, function: str) -> Any:
    """`module:function`'s result (as JSON, tuples as lists, other values as text), computed by a
    new process on a new SQLite file with a 300-resident county. Skipped on a PostgreSQL run,
    which checks the same in its own test database."""
    if "postgres" in os.environ.get("DATABASE_URL", ""):
        pytest.skip("the PostgreSQL run checks this in its test database")
    module, name = function.split(":")
    script = (
        "import django, json\n"
        "django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "from fangkong.registry.generator import CountySpec, generate_county\n"
        "generate_county(CountySpec(population=300, seed=7))\n"
        f"from {module} import {name}\n"
        f"print(json.dumps({name}(), default=str))\n"
    )
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "fangkong.settings"}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
