"""Login locks after 5 failures for 15 minutes; the security administrator can unlock earlier."""

import datetime as dt

from axes.models import AccessAttempt
from django.utils import timezone

from fangkong.core.choices import AuditAction
from fangkong.core.models import AuditLog
from fangkong.core.testkit import client_for
from fangkong.registry.generator import DEMO_PASSWORD

LOGIN = "/accounts/login/"


def _fail(client, username, times):
    for _ in range(times):
        client.post(LOGIN, {"username": username, "password": "wrong-password"})


def test_it_locks_after_five_failures_with_a_chinese_page(users, client):
    _fail(client, "grid", 4)
    assert client.post(LOGIN, {"username": "grid", "password": DEMO_PASSWORD}).status_code == 302
    client.post("/accounts/logout/")
    _fail(client, "grid", 5)
    page = client.post(LOGIN, {"username": "grid", "password": DEMO_PASSWORD})
    assert page.status_code == 429
    text = page.content.decode()
    assert "账号已锁定" in text and "15 分钟" in text and "安全管理员" in text
    assert AuditLog.objects.filter(action=AuditAction.LOGIN_FAILED, object_repr="grid").count() >= 5


def test_it_unlocks_after_fifteen_minutes(users, client):
    _fail(client, "grid", 5)
    assert client.post(LOGIN, {"username": "grid", "password": DEMO_PASSWORD}).status_code == 429
    # axes imports `now` by name, so move the failures 16 minutes into the past instead of the clock.
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=14))
    assert client.post(LOGIN, {"username": "grid", "password": DEMO_PASSWORD}).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert client.post(LOGIN, {"username": "grid", "password": DEMO_PASSWORD}).status_code == 302


def test_the_security_admin_unlocks_and_it_is_audited(users, client):
    _fail(client, "grid", 5)
    sec = client_for(users["secadmin"])
    assert "grid" in sec.get("/core/accounts/locked/").content.decode()
    assert sec.post("/core/accounts/locked/", {"username": "grid"}).status_code == 302
    row = AuditLog.objects.filter(verb="unlock_user", object_repr="grid").get()
    assert row.actor == users["secadmin"]
    assert client.post(LOGIN, {"username": "grid", "password": DEMO_PASSWORD}).status_code == 302


def test_others_cannot_unlock(users, client):
    _fail(client, "grid", 5)
    for name in ("sysadmin", "auditadmin", "commander"):
        assert client_for(users[name]).post("/core/accounts/locked/", {"username": "grid"}).status_code == 403
    assert client.post(LOGIN, {"username": "grid", "password": DEMO_PASSWORD}).status_code == 429
