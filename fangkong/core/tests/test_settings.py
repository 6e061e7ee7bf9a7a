"""Production mode refuses to start without its secrets; development has safe defaults."""

import os
import subprocess
import sys

import pytest

SNIPPET = "import fangkong.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])"


def _run(env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DEBUG"}}
    return subprocess.run([sys.executable, "-c", SNIPPET], env=base | env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_it_refuses_production_without(missing):
    env = {"FANGKONG_ENV": "production", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "fk.example",
           "DATABASE_URL": "postgres://u@127.0.0.1/fk"}
    del env[missing]
    out = _run(env)
    assert out.returncode != 0
    assert missing in out.stderr and "生产环境必须设置" in out.stderr


def test_it_runs_production_with_everything():
    out = _run({"FANGKONG_ENV": "production", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "fk.example",
                "DATABASE_URL": "postgres://u@127.0.0.1/fk"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "django.db.backends.postgresql"]


def test_it_defaults_to_sqlite_in_development():
    out = _run({"FANGKONG_ENV": "development"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "django.db.backends.sqlite3"]
