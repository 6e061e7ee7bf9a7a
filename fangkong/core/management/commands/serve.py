"""`fangkong serve`: the production application server (gunicorn) with fangkong's defaults.

Before starting it collects the static files (production serves hashed names from STATIC_ROOT's
manifest; without them every page answers 500), then replaces itself with gunicorn, so that
systemd's stop signal reaches gunicorn's master directly.
"""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

MAX_WORKERS = 8  # beyond this the database, not the CPU, is what a county's server runs short of


def default_workers() -> int:
    """2 × cores + 1 (gunicorn's rule of thumb), at most MAX_WORKERS."""
    return min(2 * (os.cpu_count() or 1) + 1, MAX_WORKERS)


def default_threads() -> int:
    """A thread for each request a process runs at once and for each that may wait for a slot
    (core/shedding.py): the waiting then happens where it is bounded and answered 503 in time.
    Waiting threads hold no database connection (the pool has FANGKONG_ACTIVE_REQUESTS + 2)."""
    return settings.FANGKONG_ACTIVE_REQUESTS + settings.FANGKONG_QUEUE_LENGTH


def prepare() -> None:
    """What must be true before the first request: the static files collected (idempotent;
    unchanged files are skipped)."""
    call_command("collectstatic", interactive=False, verbosity=0)


def gunicorn_argv(bind: str, workers: int, threads: int, timeout: int) -> list[str]:
    """The gunicorn command line: threaded workers (the requests wait on the database, not the
    CPU), access log to stdout, graceful restarts, workers recycled now and then."""
    argv = [
        sys.executable, "-m", "gunicorn", "fangkong.wsgi:application",
        "--bind", bind,
        "--workers", str(workers),
        "--threads", str(threads),
        "--worker-class", "gthread",
        "--timeout", str(timeout),
        "--graceful-timeout", "30",
        "--keep-alive", "5",
        "--max-requests", "5000",
        "--max-requests-jitter", "500",
        "--access-logfile", "-",
        "--error-logfile", "-",
        "--access-logformat", '%(h)s %({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms',
    ]
    if settings.TRUSTED_PROXIES:
        # X-Forwarded-Proto is believed from these only (Django reads the client address itself).
        argv += ["--forwarded-allow-ips", ",".join(settings.TRUSTED_PROXIES)]
    return argv


class Command(BaseCommand):
    help = "生产环境应用服务器(gunicorn)/ run the production application server"
    requires_system_checks = []  # checked after collectstatic, below

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bind", default=os.environ.get("FANGKONG_BIND", "127.0.0.1:8000"),
                            help="HOST:PORT or unix:PATH (default 127.0.0.1:8000, or $FANGKONG_BIND)")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("FANGKONG_WORKERS", 0)) or None,
                            help=f"processes (default 2 × cores + 1, at most {MAX_WORKERS})")
        parser.add_argument("--threads", type=int, default=int(os.environ.get("FANGKONG_THREADS", 0)) or None,
                            help="threads per process (default: the requests it runs at once plus those that "
                                 "may wait, FANGKONG_ACTIVE_REQUESTS + FANGKONG_QUEUE_LENGTH)")
        parser.add_argument("--timeout", type=int, default=60, help="seconds before a stuck worker restarts")
        parser.add_argument("--print", action="store_true", dest="print_only",
                            help="prepare, print the gunicorn command and exit")

    def handle(self, *args, **opts) -> None:
        workers = opts["workers"] or default_workers()
        opts["threads"] = opts["threads"] or default_threads()
        if workers < 1 or opts["threads"] < 1:
            raise CommandError("进程数和线程数至少为1 / --workers and --threads must be at least 1")
        prepare()
        self.check(display_num_errors=False, fail_level=40)  # ERROR stops; warnings are printed
        argv = gunicorn_argv(opts["bind"], workers, opts["threads"], opts["timeout"])
        if opts["print_only"]:
            self.stdout.write(" ".join(argv))
            return
        self.stdout.write(f"fangkong serve: {opts['bind']}, {workers} workers × {opts['threads']} threads")
        self.stdout.flush()
        os.execv(sys.executable, argv)
