"""After kill -9 of an importing process its writer process does not run on: it is killed with
its parent (PR_SET_PDEATHSIG on Linux, a watch on the parent's pid elsewhere) and reads the end
of the pipe, since it holds no copy of the planner's end."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

PLANNER = textwrap.dedent("""
    import multiprocessing, os, sys, time
    import django
    django.setup()
    from fangkong.screening import imports
    context = multiprocessing.get_context("fork")
    pipe, child = context.Pipe()
    # As _WriterProcess.__enter__ starts it.
    process = context.Process(target=imports._write_chunks, args=(child, 0, 1, pipe, os.getpid()), daemon=True)
    process.start()
    child.close()
    print(process.pid, flush=True)
    time.sleep(600)
""")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def test_the_writer_process_dies_with_a_killed_planner(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fangkong.settings",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'writer.sqlite3'}", "PYTHONPATH": str(Path.cwd())}
    planner = subprocess.Popen([sys.executable, "-c", PLANNER], env=env, stdout=subprocess.PIPE, text=True)
    try:
        writer = int(planner.stdout.readline())
        time.sleep(0.5)
        assert _alive(writer)
        os.kill(planner.pid, signal.SIGKILL)  # as the probe did, in the middle of an import
        planner.wait()
        deadline = time.monotonic() + 5
        while _alive(writer) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(writer)
    finally:
        if planner.poll() is None:
            planner.kill()
        with __import__("contextlib").suppress(NameError, ProcessLookupError):
            os.kill(writer, signal.SIGKILL)
