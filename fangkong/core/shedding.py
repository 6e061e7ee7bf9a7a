"""Load shedding: under overload, answer 503 at once instead of queueing until every request is slow.

Each application process lets at most FANGKONG_ACTIVE_REQUESTS requests run at a time (the
database, not the CPU, is what they wait on); others wait for a slot for at most
FANGKONG_QUEUE_WAIT_MS, and when FANGKONG_QUEUE_LENGTH are already waiting a newcomer is turned
away at once. A turned-away request is answered 503 with Retry-After and a Chinese page that
says nothing was submitted: it never reached a view, so nothing is half done or lost.
`fangkong serve` gives each process more threads than active slots, so that the waiting happens
here, where it is bounded, and not in the server's own queue.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5


class LoadShedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.active = max(1, int(getattr(settings, "FANGKONG_ACTIVE_REQUESTS", 4)))
        self.queue_length = max(0, int(getattr(settings, "FANGKONG_QUEUE_LENGTH", 16)))
        self.wait = max(0.0, float(getattr(settings, "FANGKONG_QUEUE_WAIT_MS", 1000)) / 1000)
        self.slots = threading.BoundedSemaphore(self.active)
        self.lock = threading.Lock()
        self.waiting = 0

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.slots.acquire(blocking=False):
            return self._run(request)
        with self.lock:
            full = self.waiting >= self.queue_length
            if not full:
                self.waiting += 1
        if full:
            return self._busy(request, "queue full")
        try:
            admitted = self.slots.acquire(timeout=self.wait)
        finally:
            with self.lock:
                self.waiting -= 1
        if not admitted:
            return self._busy(request, "waited too long")
        return self._run(request)

    def _run(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            self.slots.release()

    def _busy(self, request: HttpRequest, why: str) -> HttpResponse:
        log.warning("shed %s %s: %s", request.method, request.path, why)
        response = HttpResponse(render_to_string("503.html", request=None), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
