"""Deployment: `fangkong serve`'s start-up path in production, the client address behind the proxy,
and the files docs/DEPLOY.md names (systemd units, nginx site) checked by their own tools."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks
from django.test import RequestFactory

from fangkong.core.checks import check_static_root
from fangkong.core.management.commands.serve import (
    MAX_WORKERS,
    default_threads,
    default_workers,
    gunicorn_argv,
)
from fangkong.core.middleware import client_ip

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"


def production_env(var_dir: Path, database_url: str) -> dict[str, str]:
    """The environment of a production installation (deploy/env.example), on loopback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(FANGKONG_ENV="production", SECRET_KEY="smoke-" + "k" * 50, ALLOWED_HOSTS="127.0.0.1,localhost",
               DATABASE_URL=database_url, FANGKONG_VAR_DIR=str(var_dir), TRUSTED_PROXIES="127.0.0.1",
               DJANGO_SETTINGS_MODULE="fangkong.settings", PYTHONPATH=str(ROOT))
    env.pop("TEST_DATABASE_NAME", None)
    return env


def fangkong(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fangkong.cli", *args], cwd=ROOT, env=env, timeout=timeout,
                          capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def production_var(tmp_path_factory) -> Path:
    """A production var directory after `fangkong serve`'s start-up path (collectstatic)."""
    var = tmp_path_factory.mktemp("fk-production-var")
    env = production_env(var, f"sqlite:///{var / 'db.sqlite3'}")
    done = fangkong("serve", "--print", "--bind", "127.0.0.1:9", "--workers", "2", env=env)
    assert done.returncode == 0, done.stderr
    assert "gunicorn fangkong.wsgi:application --bind 127.0.0.1:9 --workers 2" in done.stdout
    return var


def test_it_serves_the_login_page_and_static_files_in_production_after_serve_prepares(production_var):
    # A fresh process with production settings (as gunicorn's workers load them), on SQLite:
    # the login page needs no table.
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "from django.templatetags.static import static\n"
        "c = Client(HTTP_HOST='127.0.0.1', HTTP_X_FORWARDED_PROTO='https')\n"
        "login = c.get('/accounts/login/')\n"
        "css = c.get(static('css/fangkong.css'))\n"
        "body = b''.join(css.streaming_content)\n"
        "print(login.status_code, css.status_code, static('css/fangkong.css'), len(body),\n"
        "      css.headers.get('Cache-Control'), static('css/fangkong.css') in login.content.decode(), sep='|')\n"
    )
    env = production_env(production_var, f"sqlite:///{production_var / 'db.sqlite3'}")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    login, css, url, size, cache, linked = done.stdout.strip().split("|")
    assert (login, css, linked) == ("200", "200", "True")
    # The hashed name from the manifest, cached for ever, and not empty.
    assert url.startswith("/static/css/fangkong.") and url != "/static/css/fangkong.css"
    assert int(size) > 1000 and "immutable" in cache


def test_it_warns_when_production_has_no_collected_static_files(settings, tmp_path):
    settings.PRODUCTION = True
    settings.STATIC_ROOT = tmp_path
    [warning] = check_static_root(None)
    assert warning.id == "fangkong.W002" and warning.level == checks.WARNING
    (tmp_path / "staticfiles.json").write_text("{}")
    assert check_static_root(None) == []
    settings.PRODUCTION = False
    (tmp_path / "staticfiles.json").unlink()
    assert check_static_root(None) == []  # development serves from the app folders


def test_it_sizes_gunicorn_for_the_machine_and_logs_to_stdout(settings, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert default_workers() == 5
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert default_workers() == MAX_WORKERS
    settings.FANGKONG_ACTIVE_REQUESTS, settings.FANGKONG_QUEUE_LENGTH = 4, 16
    assert default_threads() == 20  # the waiting happens in the shedding middleware, bounded
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    argv = gunicorn_argv("0.0.0.0:8000", 3, 4, 60)
    opts = dict(zip(argv[4::2], argv[5::2], strict=False))
    assert opts["--worker-class"] == "gthread" and opts["--threads"] == "4" and opts["--workers"] == "3"
    assert opts["--access-logfile"] == "-" and opts["--graceful-timeout"] == "30"
    assert opts["--forwarded-allow-ips"] == "10.0.0.2"


def test_it_refuses_zero_workers():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="至少为1"):
        call_command("serve", "--workers", "-1", "--print")


@pytest.mark.parametrize(("proxies", "remote", "forwarded", "expected"), [
    ([], "203.0.113.9", "1.2.3.4", "203.0.113.9"),  # no proxy configured: the header is a lie
    (["127.0.0.1"], "198.51.100.7", "1.2.3.4", "198.51.100.7"),  # not from the proxy
    (["127.0.0.1"], "127.0.0.1", "203.0.113.9", "203.0.113.9"),  # nginx overwrites it
    (["127.0.0.1"], "127.0.0.1", "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the left is the client's say
    (["127.0.0.1", "10.0.0.0/24"], "127.0.0.1", "203.0.113.9, 10.0.0.5", "203.0.113.9"),  # two proxies
    (["127.0.0.1"], "127.0.0.1", "", "127.0.0.1"),
    (["127.0.0.1"], "127.0.0.1", "not-an-address", "127.0.0.1"),
    (["::1"], "::1", "2001:db8::7", "2001:db8::7"),
])
def test_it_believes_x_forwarded_for_only_from_trusted_proxies(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def _deploy_copy(tmp_path: Path, folder: str) -> Path:
    """The files of deploy/<folder> with the installation paths pointed at this checkout."""
    out = tmp_path / folder
    out.mkdir()
    for f in (DEPLOY / folder).iterdir():
        text = f.read_text().replace("/opt/fangkong/.venv/bin/", str(Path(sys.executable).parent) + "/")
        (out / f.name).write_text(text.replace("/opt/fangkong", str(ROOT)))
    return out


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_it_ships_systemd_units_that_systemd_accepts(tmp_path):
    units = sorted(_deploy_copy(tmp_path, "systemd").iterdir())
    assert {u.name for u in units} >= {"fangkong-web.service", "fangkong-worker.service",
                                       "fangkong-scheduler.service", "fangkong-backup.service",
                                       "fangkong-backup.timer"}
    done = subprocess.run(["systemd-analyze", "verify", *map(str, units)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr
    web = (DEPLOY / "systemd" / "fangkong-web.service").read_text()
    assert "ExecStart=/opt/fangkong/.venv/bin/fangkong serve" in web and "EnvironmentFile=/etc/fangkong/env" in web


@pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
                    reason="nginx is not installed (Debian package nginx)")
def test_it_ships_an_nginx_site_that_nginx_accepts(tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    key, cert = tmp_path / "privkey.pem", tmp_path / "fullchain.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=fk.example.gov.cn", "-keyout", key, "-out", cert], check=True, capture_output=True,
                   timeout=60)
    site = (DEPLOY / "nginx" / "fangkong.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in site and "X-Real-IP" in site
    site = (site.replace("/etc/ssl/fangkong/", f"{tmp_path}/").replace("/var/log/fangkong/", f"{tmp_path}/"))
    (tmp_path / "fangkong.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n include {tmp_path}/fangkong.conf;\n}}\n")
    done = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and "test is successful" in done.stderr, done.stderr


@pytest.mark.django_db
@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="PostgreSQL client tools are not installed")
def test_it_backs_up_and_restores_the_database_with_the_shipped_scripts(tmp_path):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("backups are pg_dump's")
    s = connection.settings_dict
    env = {**os.environ, "PGHOST": s["HOST"] or "127.0.0.1", "PGPORT": str(s["PORT"] or 5432),
           "PGUSER": s["USER"], "PGPASSWORD": s["PASSWORD"] or ""}
    restored = f"{s['NAME']}_restore"[:63]
    query = "select (select count(*) from registry_resident), (select count(*) from core_auditlog)"

    def psql(db: str) -> str:
        return subprocess.run(["psql", "-Atc", query, db], env=env, capture_output=True, text=True,
                              check=True, timeout=60).stdout.strip()

    backup = subprocess.run([DEPLOY / "backup-db", s["NAME"], tmp_path, "14"], env=env, capture_output=True,
                            text=True, timeout=300, check=False)
    assert backup.returncode == 0, backup.stderr
    dump = Path(backup.stdout.strip())
    assert dump.is_file() and dump.stat().st_mode & 0o077 == 0 and not list(tmp_path.glob("*.part"))
    subprocess.run(["dropdb", "--if-exists", restored], env=env, check=True, timeout=60)
    try:
        done = subprocess.run([DEPLOY / "restore-db", dump, restored, s["USER"]], env=env, capture_output=True,
                              text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        assert psql(restored) == psql(s["NAME"]) and int(psql(restored).split("|")[0]) > 0
        # An existing database is never overwritten.
        again = subprocess.run([DEPLOY / "restore-db", dump, restored, s["USER"]], env=env, capture_output=True,
                               text=True, timeout=300, check=False)
        assert again.returncode != 0 and "already exists" in again.stderr
    finally:
        subprocess.run(["dropdb", "--if-exists", restored], env=env, check=True, timeout=60)
