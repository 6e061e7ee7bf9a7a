"""The notifications page: one's own notifications, marked read one by one (htmx) or all at once."""

import pytest
from django.core.exceptions import PermissionDenied

from fangkong.core.actions import SYSTEM
from fangkong.core.models import Notification
from fangkong.core.notify import do_mark_read
from fangkong.core.testkit import client_for


def _notes(user, n=3, url=""):
    return [Notification.objects.create(user=user, kind="dispatch", title=f"督办 {i}", body="请今日反馈", url=url)
            for i in range(n)]


def test_it_lists_only_ones_own_notifications(users):
    mine = _notes(users["grid"])
    _notes(users["grid_other"], 1)
    page = client_for(users["grid"]).get("/core/notifications/")
    assert set(page.context["object_list"]) == set(mine)
    assert "督办 0" in page.content.decode()


def test_it_marks_one_read_with_htmx_and_all_read(users):
    first, *rest = _notes(users["grid"])
    client = client_for(users["grid"])
    response = client.post(f"/core/notifications/{first.pk}/read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "unread" not in response.content.decode()
    first.refresh_from_db()
    assert first.read_at is not None
    assert client.get("/core/notifications/", {"unread": 1}).context["paginator"].count == len(rest)
    client.post("/core/notifications/read/")
    assert not Notification.objects.filter(user=users["grid"], read_at=None).exists()


def test_it_follows_a_local_link_and_ignores_a_foreign_one(users):
    local = _notes(users["grid"], 1, url="/registry/search/")[0]
    foreign = _notes(users["grid"], 1, url="https://example.com/")[0]
    client = client_for(users["grid"])
    assert client.post(f"/core/notifications/{local.pk}/read/")["Location"] == "/registry/search/"
    assert client.post(f"/core/notifications/{foreign.pk}/read/")["Location"] == "/core/notifications/"


def test_nobody_reads_anothers_notification(users):
    other = _notes(users["grid_other"], 1)[0]
    assert client_for(users["grid"]).post(f"/core/notifications/{other.pk}/read/").status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_the_badge_counts_unread(users):
    _notes(users["grid"], 2)
    page = client_for(users["grid"]).get("/")
    assert page.context["unread_notifications"] == 2
    assert len(page.context["latest_notifications"]) == 2


def test_it_lets_only_the_recipient_mark_notifications_read(users):
    note, other = _notes(users["grid"], 2)
    with pytest.raises(PermissionDenied):
        do_mark_read(users["grid"], note, acting_user=users["commander"])
    assert client_for(users["grid_other"]).post(f"/core/notifications/{note.pk}/read/").status_code == 404
    assert not Notification.objects.filter(user=users["grid"]).exclude(read_at=None).exists()
    assert do_mark_read(users["grid"], note, acting_user=users["grid"]) == 1
    assert do_mark_read(users["grid"], acting_user=SYSTEM) == 1  # the other one; the first is read already
    assert not Notification.objects.filter(pk__in=[note.pk, other.pk], read_at=None).exists()
