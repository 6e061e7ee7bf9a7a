"""The load of `bench/run load` (run by locust in its own process; see bench/load.py).

Three kinds of user, in the mix of a county's working day: grid workers opening their task list,
a task and recording a contact attempt; members of the public filling in the self-report (the
form's time trap makes them wait 3 s, as a person typing does); the command centre opening the
board. Requests carry what nginx adds in production (X-Forwarded-Proto, X-Forwarded-For with each
public user's own address), so the server sees what it would behind the proxy.

Every response is kept as (kind, status, milliseconds) and written to BENCH_LOAD_OUT at the end:
bench/load.py computes the percentiles, the accepted reports and the shed answers (429/503).
"""

from __future__ import annotations

import json
import os
import random
import re
import time

from locust import HttpUser, between, events, task

ACCOUNTS = json.loads(os.environ.get("BENCH_LOAD_ACCOUNTS", "{}"))
PASSWORD = os.environ.get("BENCH_LOAD_PASSWORD", "")
OUT = os.environ.get("BENCH_LOAD_OUT", "")
RUN = os.environ.get("BENCH_LOAD_RUN", "0")
SAMPLES: list[tuple[str, int, float, float]] = []  # kind, status, ms, when
REPORTS: list[str] = []  # phone numbers of the self-reports the server accepted (302 to the receipt)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STARTED = re.compile(r'name="started" value="([^"]+)"')
TASK = re.compile(r'href="/screening/verifications/(\d+)/"')


def _behind_tls(client) -> None:
    """Send the Secure cookies over loopback HTTP, as they would be over nginx's TLS: requests
    copies the jar for each request, so the flag is dropped on the session's own cookies."""
    for cookie in client.cookies:
        cookie.secure = False


@events.request.add_listener
def _keep(request_type, name, response_time, response_length, response=None, exception=None, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    if status == 302 and "/accounts/login/" in (response.headers.get("Location") or ""):
        status = 401  # sent back to the login page: not logged in, an error for the load
    SAMPLES.append((name, int(status), float(response_time), time.time()))


@events.quitting.add_listener
def _write(environment, **kwargs):
    if OUT:
        with open(OUT, "w") as f:
            json.dump({"samples": SAMPLES, "reports": REPORTS}, f)


class _Staff(HttpUser):
    abstract = True
    role = ""

    def on_start(self) -> None:
        self.address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
        self.headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": self.address}
        username = random.choice(ACCOUNTS[self.role])
        for _attempt in range(6):  # a login turned away (503) is tried again, as a person would
            if self._login(username):
                return
            time.sleep(random.uniform(2, 5))

    def _login(self, username: str) -> bool:
        page = self.client.get("/accounts/login/", headers=self.headers, name="login_page")
        token = TOKEN.search(page.text)
        _behind_tls(self.client)
        if page.status_code != 200 or not token:  # turned away: no form to send
            return False
        resp = self.client.post("/accounts/login/", name="login", allow_redirects=False, headers={
            **self.headers, "Referer": f"https://{self.host_name}/accounts/login/", "Origin": f"https://{self.host_name}"},
            data={"csrfmiddlewaretoken": token.group(1), "username": username,
                  "password": PASSWORD})
        _behind_tls(self.client)
        return resp.status_code == 302 and "/accounts/login/" not in resp.headers.get("Location", "")

    def get(self, path: str, name: str):
        resp = self.client.get(path, headers=self.headers, name=name, allow_redirects=False)
        _behind_tls(self.client)
        return resp

    @property
    def host_name(self) -> str:
        return self.host.split("://", 1)[1]

    def post(self, path: str, data: dict, name: str):
        token = self.client.cookies.get("csrftoken", "")
        resp = self.client.post(path, name=name, allow_redirects=False, data={"csrfmiddlewaretoken": token, **data},
                                headers={**self.headers, "Referer": f"https://{self.host_name}{path}",
                                         "Origin": f"https://{self.host_name}"})
        _behind_tls(self.client)
        return resp


class GridWorker(_Staff):
    """Opens the task list, a task on it, and records a contact attempt; thinks 2–6 s between."""

    weight = 14
    role = "grid"
    wait_time = between(2, 6)

    @task
    def work(self) -> None:
        page = self.get("/screening/my/", name="task_list").text
        tasks = TASK.findall(page)
        if not tasks:
            return
        pk = random.choice(tasks)
        self.get(f"/screening/verifications/{pk}/", name="task")
        time.sleep(random.uniform(1, 3))
        self.post(f"/screening/verifications/{pk}/attempt/", {"kind": "no_answer", "note": "压测"}, name="attempt")


class Commander(_Staff):
    """The command centre's board, every 5–10 s."""

    weight = 1
    role = "command"
    wait_time = between(5, 10)

    @task
    def board(self) -> None:
        self.get("/screening/board/", name="board")


class Public(HttpUser):
    """A member of the public from their own address: opens the self-report, types for 3–6 s,
    sends it, and comes back 5–10 s later (another person, another address)."""

    weight = 5
    wait_time = between(5, 10)

    @task
    def report(self) -> None:
        self.client.cookies.clear()
        host = self.host.split("://", 1)[1]
        address = f"172.{random.randrange(16, 32)}.{random.randrange(256)}.{random.randrange(1, 255)}"
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": address}
        page = self.client.get("/screening/report/", headers=headers, name="self_report_page")
        _behind_tls(self.client)
        token, started = TOKEN.search(page.text), STARTED.search(page.text)
        if page.status_code != 200 or not token or not started:
            return
        time.sleep(random.uniform(3.2, 6))
        phone = f"19{RUN}{random.randrange(10**7, 10**8)}"[:11]
        resp = self.client.post("/screening/report/", name="self_report", allow_redirects=False, headers={
            **headers, "Referer": f"https://{host}/screening/report/", "Origin": f"https://{host}"}, data={
            "csrfmiddlewaretoken": token.group(1), "started": started.group(1), "phone": phone,
            "name": "压测群众", "origin": "广东省广州市", "address": "城关镇压测路1号", "consent": "on"})
        if resp.status_code == 302 and resp.headers.get("Location", "").endswith("/screening/report/done/"):
            REPORTS.append(phone)
