"""Load shedding: beyond the requests a process runs at once, a bounded wait, then 503 at once."""

from __future__ import annotations

import threading
import time

from django.http import HttpResponse
from django.test import RequestFactory

from fangkong.core.shedding import LoadShedMiddleware


def _middleware(settings, *, active: int, queue: int, wait_ms: int, hold: threading.Event):
    settings.FANGKONG_ACTIVE_REQUESTS, settings.FANGKONG_QUEUE_LENGTH = active, queue
    settings.FANGKONG_QUEUE_WAIT_MS = wait_ms
    started = threading.Semaphore(0)

    def view(request):
        started.release()
        hold.wait(10)
        return HttpResponse("ok")

    return LoadShedMiddleware(view), started


def _in_thread(mw, results: list) -> threading.Thread:
    t = threading.Thread(target=lambda: results.append(mw(RequestFactory().post("/screening/report/"))))
    t.start()
    return t


def test_it_answers_503_at_once_when_the_queue_is_full_and_keeps_running_what_it_admitted(settings):
    hold = threading.Event()
    mw, started = _middleware(settings, active=1, queue=0, wait_ms=5000, hold=hold)
    results: list = []
    first = _in_thread(mw, results)
    assert started.acquire(timeout=5)
    t0 = time.perf_counter()
    busy = mw(RequestFactory().get("/screening/my/"))
    assert time.perf_counter() - t0 < 0.5  # not the 5 s wait: nobody may queue
    assert busy.status_code == 503 and busy["Retry-After"] == "5"
    page = busy.content.decode()
    assert "系统繁忙" in page and "没有提交" in page
    hold.set()
    first.join(5)
    assert [r.status_code for r in results] == [200]


def test_a_waiting_request_runs_when_a_slot_frees_and_gives_up_after_the_wait(settings):
    hold = threading.Event()
    mw, started = _middleware(settings, active=1, queue=2, wait_ms=200, hold=hold)
    results: list = []
    first = _in_thread(mw, results)
    assert started.acquire(timeout=5)
    t0 = time.perf_counter()
    assert mw(RequestFactory().get("/")).status_code == 503  # waited 0.2 s for the busy slot
    assert 0.15 < time.perf_counter() - t0 < 2
    second = _in_thread(mw, results)  # waits, then gets the slot when the first finishes
    time.sleep(0.05)
    hold.set()
    first.join(5)
    second.join(5)
    assert sorted(r.status_code for r in results) == [200, 200]
    assert mw.waiting == 0 and mw.slots.acquire(blocking=False)  # every slot given back
