"""bench/run load — the production server under a county's load, on PostgreSQL.

The 300,000-resident county with a day's pushed leads (so that grid workers have tasks) is
served by `fangkong serve` in production mode on loopback, with TRUSTED_PROXIES set as behind
nginx. Locust (bench/locustfile.py, its own process) drives it at 50, 100 and 300 concurrent
users — grid workers, the public sending self-reports from many addresses, the command centre
— arriving over BENCH_LOAD_RAMP_SECONDS, then measured for BENCH_LOAD_SECONDS once all have logged in
(logins are reported over the whole run). Printed per level: throughput, p50/p95/p99 per request kind,
errors, the answers shed under overload (429/503) and how fast they came, the CPU of the server
and of the load generator, and whether every accepted self-report is exactly one lead.
Targets: p95 under 300 ms at 100 users for the task list and the self-report.
Sizes: BENCH_POPULATION, BENCH_LEADS, BENCH_LOAD_USERS ("50,100,300"), BENCH_LOAD_SECONDS.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, setup_django, timed

POPULATION = int(os.environ.get("BENCH_POPULATION", 300_000))
LEADS = int(os.environ.get("BENCH_LEADS", 20_000))
LEVELS = [int(n) for n in os.environ.get("BENCH_LOAD_USERS", "50,100,300").split(",")]
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", 60))
RAMP_SECONDS = int(os.environ.get("BENCH_LOAD_RAMP_SECONDS", 30))
TARGET_P95_MS = 300
TARGET_KINDS = ("task_list", "self_report")
SHED = (429, 503)


def _county(figures: dict) -> dict[str, list[str]]:
    """The county, a day of pushed leads for its residents, and the accounts the users log in as."""
    from django.db import connection

    from fangkong.core.audit import audit_context
    from fangkong.core.choices import Role
    from fangkong.core.models import User
    from fangkong.registry.generator import CountySpec, generate_county
    from fangkong.registry.models import Resident
    from fangkong.screening.cleaning import LeadInput
    from fangkong.screening.intake import ingest
    from fangkong.screening.models import Verification

    with timed(figures, "setup_county_s"):
        generate_county(CountySpec(population=POPULATION))
    with timed(figures, "setup_leads_s"), audit_context(None):
        people = Resident.objects.filter(id_number__isnull=False).order_by("?").values_list(
            "name", "id_number", "phone", "address")[:LEADS]
        inputs = [LeadInput(row=i, name=n, id_number=idn, phone=ph or "", address=a, origin="北京市朝阳区")
                  for i, (n, idn, ph, a) in enumerate(people, 1)]
        for start in range(0, len(inputs), 5000):
            ingest(inputs[start:start + 5000], channel="big_data", audit_rows=False)
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    assigned = set(Verification.objects.exclude(assignee=None).values_list("assignee", flat=True).distinct())
    workers = list(User.objects.filter(pk__in=assigned, roles__role=Role.GRID_WORKER).values_list("username", flat=True))
    figures["grid_workers_with_tasks"] = len(workers)
    return {"grid": workers, "command": ["commander"]}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(url: str, var: Path, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(FANGKONG_ENV="production", SECRET_KEY="bench-" + "k" * 50, ALLOWED_HOSTS="127.0.0.1,localhost",
               DATABASE_URL=url, FANGKONG_VAR_DIR=str(var), TRUSTED_PROXIES="127.0.0.1", DEBUG="0",
               DJANGO_SETTINGS_MODULE="fangkong.settings", PYTHONPATH=str(ROOT), LOG_LEVEL="WARNING",
               # The commander's second factor is a login step, not part of the load being measured.
               FANGKONG_REQUIRE_2FA="0")
    log = (var / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "fangkong.cli", "serve", "--bind", f"127.0.0.1:{port}"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline, last = time.monotonic() + 120, ""
    while True:
        if proc.poll() is not None:
            raise SystemExit((var / "serve.log").read_text()[-3000:])
        try:  # every worker booted: the login page answers
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/accounts/login/", headers={"X-Forwarded-Proto": "https"})
            status = conn.getresponse().status
            if status == 200:
                time.sleep(2)
                return proc
            raise OSError(f"login page answered {status}")
        except OSError as exc:
            last = str(exc)
            if time.monotonic() > deadline:
                os.killpg(proc.pid, signal.SIGTERM)
                raise SystemExit(f"fangkong serve did not start ({last}): " + (var / "serve.log").read_text()[-3000:]) from None
            time.sleep(0.5)


def _cpu_seconds(pid: int) -> float:
    """CPU time of a process and all its descendants (the gunicorn master and its workers)."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 1)


LOGIN_KINDS = ("login_page", "login")


def _summary(samples: list[tuple], seconds: float, steady_from: float) -> dict:
    """Per kind; the working kinds over the steady part only (after every user has logged in),
    the logins over the whole run."""
    kinds: dict[str, dict] = {}
    for name in sorted({s[0] for s in samples}):
        rows = [s for s in samples if s[0] == name and (name in LOGIN_KINDS or s[3] >= steady_from)]
        ok = [ms for _, status, ms, _ in rows if 200 <= status < 400]
        shed = [ms for _, status, ms, _ in rows if status in SHED]
        kinds[name] = {
            "requests": len(rows), "ok": len(ok), "per_s": round(len(ok) / seconds, 1),
            "p50_ms": _percentile(ok, 0.50), "p95_ms": _percentile(ok, 0.95), "p99_ms": _percentile(ok, 0.99),
            "shed": len(shed), "shed_p95_ms": _percentile(shed, 0.95),
            "errors": len(rows) - len(ok) - len(shed),
        }
    return kinds


def _level(users: int, port: int, accounts: dict, var: Path, server_pid: int, run: int) -> dict:
    out = var / f"locust-{users}.json"
    env = {**os.environ, "BENCH_LOAD_ACCOUNTS": json.dumps(accounts), "BENCH_LOAD_OUT": str(out),
           "BENCH_LOAD_RUN": str(run % 10)}
    from fangkong.registry.generator import DEMO_PASSWORD

    env["BENCH_LOAD_PASSWORD"] = DEMO_PASSWORD
    server_cpu = _cpu_seconds(server_pid)
    start, wall = time.perf_counter(), time.time()
    # Users arrive over RAMP_SECONDS (a county's staff log in over the morning, not in one second);
    # the working requests are measured from when all have logged in.
    steady_from = wall + RAMP_SECONDS + 15
    locust = subprocess.Popen(
        [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
         "--users", str(users), "--spawn-rate", f"{users / RAMP_SECONDS:.2f}",
         "--run-time", f"{RAMP_SECONDS + 15 + SECONDS}s",
         "--host", f"http://127.0.0.1:{port}", "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "15"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=(var / f"locust-{users}.log").open("w"))
    import psutil

    watched = psutil.Process(locust.pid)
    load_cpu = 0.0
    while locust.poll() is None:
        try:
            t = watched.cpu_times()
            load_cpu = t.user + t.system
        except psutil.NoSuchProcess:
            break
        time.sleep(0.5)
    elapsed = time.perf_counter() - start
    server_cpu = _cpu_seconds(server_pid) - server_cpu
    data = json.loads(out.read_text()) if out.exists() else {"samples": [], "reports": []}
    samples = [tuple(s) for s in data["samples"]]
    kinds = _summary(samples, SECONDS, steady_from)
    return {
        "users": users, "seconds": round(elapsed, 1), "ramp_seconds": RAMP_SECONDS, "requests": len(samples),
        "steady_per_s": round(sum(k["ok"] for n, k in kinds.items() if n not in LOGIN_KINDS) / SECONDS, 1),
        "kinds": kinds,
        "errors": sum(k["errors"] for k in kinds.values()), "shed": sum(k["shed"] for k in kinds.values()),
        "server_cpu_share": round(server_cpu / elapsed, 2), "load_generator_cpu_share": round(load_cpu / elapsed, 2),
        "accepted_reports": data["reports"],
    }


def _reports_are_leads(phones: list[str]) -> dict:
    """Every accepted self-report is exactly one lead of the self-report channel."""
    from django.db.models import Count

    from fangkong.screening.choices import Channel
    from fangkong.screening.models import Lead

    counts = dict(Lead.objects.filter(channel=Channel.SELF_REPORT, phone__in=set(phones)).values_list("phone")
                  .annotate(n=Count("id")).values_list("phone", "n"))
    distinct = set(phones)
    return {"accepted": len(phones), "distinct_phones": len(distinct),
            "missing": sum(1 for p in distinct if p not in counts),
            "more_than_one": sum(1 for n in counts.values() if n > 1),
            "exactly_one_each": all(counts.get(p) == 1 for p in distinct) and len(distinct) == len(phones)}


def main(db: str) -> dict:
    if db != "postgres":
        return {"skipped": "the load benchmark runs the production configuration, on PostgreSQL"}
    figures: dict = {"population": POPULATION, "leads": LEADS, "seconds_per_level": SECONDS,
                     "target_p95_ms": TARGET_P95_MS, "cpus": os.cpu_count()}
    url = setup_django("postgres", "load")
    accounts = _county(figures)
    var = Path(tempfile.mkdtemp(prefix="fangkong-load-"))
    port = _free_port()
    server = _serve(url, var, port)
    levels, phones = [], []
    try:
        for run, users in enumerate(LEVELS):
            level = _level(users, port, accounts, var, server.pid, run)
            phones += level.pop("accepted_reports")
            levels.append(level)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    figures["levels"] = levels
    figures["reports"] = _reports_are_leads(phones)
    at_100 = next((lv for lv in levels if lv["users"] == 100), None)
    if at_100:
        figures["p95_at_100_ms"] = {k: at_100["kinds"].get(k, {}).get("p95_ms") for k in TARGET_KINDS}
        figures["targets_met_at_100"] = all(
            (at_100["kinds"].get(k, {}).get("p95_ms") or 1e9) < TARGET_P95_MS for k in TARGET_KINDS)
    figures["server_log_tail"] = (var / "serve.log").read_text()[-600:] if figures["reports"]["missing"] else ""
    return figures
