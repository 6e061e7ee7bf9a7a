"""CI smoke test of the production configuration: `fangkong serve` (gunicorn) and the worker as
subprocesses on the PostgreSQL test database, driven over loopback HTTP as nginx would forward it.

Skipped on SQLite: the test database there is in memory and cannot be shared with other processes.
"""

from __future__ import annotations

import http.client
import re
import socket
import subprocess
import sys
import time
from binascii import unhexlify
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core import signing
from django.db import connection
from django_otp.oath import TOTP

from fangkong.core import twofactor

from .test_deploy import ROOT, production_env

pytestmark = pytest.mark.django_db(transaction=True)
START_TIMEOUT = 90  # seconds for gunicorn to answer (collectstatic runs first)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """Enough of a browser for the smoke test: cookies (Secure ones too, as nginx terminates TLS),
    the CSRF token, and the headers nginx sets."""

    def __init__(self, port: int) -> None:
        self.port, self.cookies = port, SimpleCookie()

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        origin = f"https://127.0.0.1:{self.port}"
        headers = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https",
                   "X-Forwarded-For": "203.0.113.9", "Accept-Language": "zh-hans"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": origin,
                            "Referer": origin + path})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            text = resp.read().decode("utf-8", "replace")
            for value in resp.headers.get_all("Set-Cookie") or []:
                self.cookies.load(value)
            return resp.status, dict(resp.headers), text
        finally:
            conn.close()

    def form(self, path: str, fields: dict, wait: float = 0) -> tuple[int, dict, str]:
        """GET the page, then (after `wait` seconds of typing) POST the fields with its CSRF token."""
        status, _, page = self.request("GET", path)
        time.sleep(wait)
        assert status == 200, (path, status, page[:500])
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, path
        hidden = dict(re.findall(r'<input type="hidden" name="(started)" value="([^"]+)"', page))
        return self.request("POST", path, {"csrfmiddlewaretoken": token.group(1), **hidden, **fields})


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture
def production(tmp_path, restore_county) -> Iterator[tuple[int, dict, Path]]:
    """gunicorn (via `fangkong serve`) and the worker in production mode on the test database."""
    if connection.vendor != "postgresql":
        pytest.skip("the production smoke test runs on PostgreSQL")
    s = connection.settings_dict
    url = f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    env = production_env(tmp_path, url)
    port = _free_port()
    logs = {name: (tmp_path / f"{name}.log").open("w+") for name in ("web", "worker")}
    web = subprocess.Popen([sys.executable, "-m", "fangkong.cli", "serve", "--bind", f"127.0.0.1:{port}",
                            "--workers", "2", "--threads", "2"], cwd=ROOT, env=env,
                           stdout=logs["web"], stderr=subprocess.STDOUT)
    worker = subprocess.Popen([sys.executable, "-m", "fangkong.cli", "db_worker", "--interval", "0.5"],
                              cwd=ROOT, env=env, stdout=logs["worker"], stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert web.poll() is None, (tmp_path / "web.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "web.log").read_text()
                time.sleep(0.5)
        yield port, env, tmp_path
    finally:
        _stop(web)
        _stop(worker)
        for f in logs.values():
            f.close()


def test_it_runs_the_production_configuration_end_to_end(production):
    from django_tasks_db.models import DBTaskResult, TaskResultStatus

    from fangkong.registry.generator import DEMO_PASSWORD
    from fangkong.screening.models import Lead

    port, env, var = production
    staff = Browser(port)
    # A plain-HTTP request is sent to https first (SECURE_SSL_REDIRECT), as nginx's port 80 does.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/accounts/login/", headers={"Host": f"127.0.0.1:{port}"})
    assert conn.getresponse().status == 301
    conn.close()

    status, headers, _ = staff.form("/accounts/login/", {"username": "commander", "password": DEMO_PASSWORD})
    assert status == 302 and headers["Location"] == "/", status
    # Production asks the command centre for a second factor: enrol an authenticator first.
    status, headers, _ = staff.request("GET", "/")
    assert status == 302 and headers["Location"].startswith("/core/2fa/"), (status, headers)
    _, _, page = staff.request("GET", "/core/2fa/")
    signed = re.search(r'name="key" value="([^"]+)"', page).group(1)
    key = signing.loads(signed, key=env["SECRET_KEY"], salt=twofactor.KEY_SALT)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, _, page = staff.request("POST", "/core/2fa/", {"csrfmiddlewaretoken": token, "key": signed,
                                                           "token": f"{TOTP(unhexlify(key)).token():06d}"})
    assert status == 200 and "恢复码" in page, page[:1000]
    for path in ("/", "/screening/board/", "/api/schema/"):
        status, _, page = staff.request("GET", path)
        assert status == 200, (path, page[:300])
    status, headers, css = staff.request("GET", "/static/css/fangkong.css")  # whitenoise, not Django
    assert status == 200 and "text/css" in headers["Content-Type"] and len(css) > 1000
    _, _, home = staff.request("GET", "/")
    hashed = re.search(r'href="(/static/css/fangkong\.[0-9a-f]+\.css)"', home)
    assert hashed and staff.request("GET", hashed.group(1))[0] == 200

    public = Browser(port)
    status, headers, page = public.form("/screening/report/", {
        "phone": "13912345678", "name": "王晓明", "origin": "广东省广州市", "address": "城关镇一号",
        "consent": "on"}, wait=3.2)  # the form's time trap refuses posts sent within 3 seconds
    assert status == 302 and headers["Location"].endswith("/screening/report/done/"), page[:2000]
    lead = Lead.objects.get(phone="13912345678")
    assert lead.name == "王晓明"
    from fangkong.core.models import AuditLog

    assert AuditLog.objects.filter(object_id=str(lead.pk), ip="203.0.113.9").exists()  # X-Forwarded-For

    # The scheduler enqueues what is due; the worker runs it.
    done = subprocess.run([sys.executable, "-m", "fangkong.cli", "run_scheduler", "--once"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and "enqueued" in done.stdout, done.stderr
    enqueued = DBTaskResult.objects.count()
    assert enqueued > 0
    deadline = time.monotonic() + 60
    finished = [TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]
    while DBTaskResult.objects.exclude(status__in=finished).exists():
        assert time.monotonic() < deadline, (var / "worker.log").read_text()
        time.sleep(0.5)
    succeeded = DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count()
    assert succeeded == enqueued, (var / "worker.log").read_text()
    assert re.search(r'"POST /screening/report/ HTTP/1.1" 302', (var / "web.log").read_text())  # access log
