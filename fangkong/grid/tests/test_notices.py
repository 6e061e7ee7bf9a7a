"""通知全覆盖: each audience resolves exactly its people inside the notice's area (crafted data),
phones are normalised, the worker records each delivery's status (sent, delivered, failed, no
phone), a broken gateway fails the notice instead of leaving it sending, those not reached are
listed and sent to again; a township sends only inside its area."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fangkong.core.actions import SYSTEM
from fangkong.core.models import AuditLog, Division
from fangkong.registry.choices import ResidentStatus
from fangkong.registry.models import Resident

from ..actions import do_resend_notice, do_send_notice
from ..actions.notices import fail_stale_notices, send_queued
from ..choices import AwayStatus, DeliveryStatus, NoticeAudience, NoticeStatus
from ..models import MemberAnswer, Notice, Visit
from ..notices import normalise_phone
from . import factories as GF
from . import factories_away as AF
from .test_mixins import new_visit

pytestmark = pytest.mark.django_db
SENT: list[tuple[str, str]] = []
BAD_PHONE = "13700000666"


class FlakyGateway:
    """Answers "delivered" for numbers ending in 8, fails BAD_PHONE, otherwise sent."""

    def send(self, phone: str, text: str) -> str | None:
        if phone == BAD_PHONE:
            raise RuntimeError("运营商拒收")
        SENT.append((phone, text))
        return "delivered" if phone.endswith("8") else None


class BrokenGateway:
    def __init__(self) -> None:
        raise RuntimeError("短信网关未配置")


@pytest.fixture(autouse=True)
def _gateway(settings):
    settings.SMS_GATEWAY = "fangkong.grid.tests.test_notices.FlakyGateway"
    SENT.clear()


def test_it_normalises_phones():
    assert normalise_phone("+86 138-0000-1234") == "13800001234"
    assert normalise_phone("8613800001234") == "13800001234"
    assert normalise_phone("0371-5555555") == "" and normalise_phone("") == "" and normalise_phone("1380000") == ""


def _away(grid: Division, phone: str, risk: str = "medium", status: str = AwayStatus.AWAY):
    return AF.away(grid, phone=phone, risk_level=risk, status=status)


def test_it_sends_to_the_people_away_in_risk_areas_of_its_area(users):
    grid, other = users["grid"].division, users["grid_other"].division
    township = grid.parent.parent
    inside = [_away(grid, "13800000001", "high"), _away(grid, "+86 13800000008", "medium"),
              _away(grid, BAD_PHONE, "low")]
    no_phone = _away(grid, "0371-123", "medium")
    _away(grid, "13800000002", "none")  # their place is not a risk area
    _away(grid, "13800000003", "high", status=AwayStatus.RETURNED)  # back already
    _away(other, "13800000004", "high")  # another township's
    notice = do_send_notice(division=township, audience=NoticeAudience.AWAY_IN_RISK, text="请勿返县",
                            acting_user=users["township"])
    keys = set(notice.deliveries.values_list("key", flat=True))
    assert keys == {f"away:{p.pk}" for p in [*inside, no_phone]}
    assert notice.status == NoticeStatus.QUEUED and notice.no_phone == 1
    send_queued(notice.pk)
    notice.refresh_from_db()
    by = dict(notice.deliveries.values_list("key", "status"))
    assert by[f"away:{inside[0].pk}"] == DeliveryStatus.SENT
    assert by[f"away:{inside[1].pk}"] == DeliveryStatus.DELIVERED  # normalised, answered delivered
    assert by[f"away:{inside[2].pk}"] == DeliveryStatus.FAILED
    assert by[f"away:{no_phone.pk}"] == DeliveryStatus.NO_PHONE
    assert (notice.status, notice.sent, notice.delivered, notice.failed, notice.no_phone) == (
        NoticeStatus.DONE, 2, 1, 1, 1)
    assert sorted(p for p, _ in SENT) == ["13800000001", "13800000008"]
    failed = notice.deliveries.get(status=DeliveryStatus.FAILED)
    assert "运营商拒收" in failed.error
    assert AuditLog.objects.filter(verb="send_notice", object_id=str(notice.pk), actor=users["township"]).exists()


def test_it_sends_to_a_sweeps_risk_answers(users):
    grid = users["grid"].division
    visit = new_visit(grid)
    q = GF.questionnaire()
    risky = MemberAnswer.objects.create(visit=visit, name="风险甲", phone="13900000011", questionnaire=q, risk=True)
    MemberAnswer.objects.create(visit=visit, name="无风险乙", phone="13900000012", questionnaire=q, risk=False)
    other_sweep = Visit.objects.filter(sweep=GF.sweep(grid.parent, name="另一轮")).first()
    MemberAnswer.objects.create(visit=other_sweep, name="别轮丙", phone="13900000013", questionnaire=q, risk=True)
    with pytest.raises(ValidationError, match="排摸"):
        do_send_notice(division=grid.parent, audience=NoticeAudience.SWEEP_RISK, text="请居家", acting_user=SYSTEM)
    notice = do_send_notice(division=grid.parent, audience=NoticeAudience.SWEEP_RISK, text="请居家",
                            sweep=visit.sweep, acting_user=users["village"])
    assert list(notice.deliveries.values_list("key", "phone")) == [(f"answer:{risky.pk}", "13900000011")]


def test_it_sends_to_a_villages_residents_with_phones(users):
    village = users["village"].division
    living = Resident.objects.filter(grid__parent=village, status__in=(ResidentStatus.PRESENT, ResidentStatus.AWAY))
    expected = {f"resident:{pk}" for pk in living.exclude(phone="").values_list("pk", flat=True)}
    assert expected
    with pytest.raises(ValidationError, match="一个村"):
        do_send_notice(division=village.parent, audience=NoticeAudience.RESIDENTS, text="全员核酸",
                       acting_user=users["township"])
    notice = do_send_notice(division=village, audience=NoticeAudience.RESIDENTS, text="全员核酸",
                            acting_user=users["village"])
    assert set(notice.deliveries.values_list("key", flat=True)) == expected


def test_a_township_sends_only_inside_its_area(users):
    other_township = users["grid_other"].division.parent.parent
    _away(users["grid_other"].division, "13800000021")
    with pytest.raises(PermissionDenied):
        do_send_notice(division=other_township, audience=NoticeAudience.AWAY_IN_RISK, text="通知",
                       acting_user=users["township"])
    with pytest.raises(PermissionDenied):  # grid workers send no notices
        do_send_notice(division=users["grid"].division.parent, audience=NoticeAudience.RESIDENTS, text="通知",
                       acting_user=users["grid"])
    assert not Notice.objects.exists()


def test_a_broken_gateway_fails_the_notice_and_a_resend_reaches_the_rest(users, settings):
    grid = users["grid"].division
    people = [_away(grid, "13800000031"), _away(grid, "13800000032")]
    missing = _away(grid, "")
    notice = do_send_notice(division=grid, audience=NoticeAudience.AWAY_IN_RISK, text="通知",
                            acting_user=users["township"])
    settings.SMS_GATEWAY = "fangkong.grid.tests.test_notices.BrokenGateway"
    send_queued(notice.pk)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.FAILED and "短信网关未配置" in notice.message
    assert notice.deliveries.filter(status=DeliveryStatus.QUEUED).count() == 2  # nothing lost
    settings.SMS_GATEWAY = "fangkong.grid.tests.test_notices.FlakyGateway"
    missing.phone = "13800000039"  # the liaison found their number since
    missing.save()
    do_resend_notice(notice, acting_user=users["township"])
    send_queued(notice.pk)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DONE and notice.not_reached == 0 and notice.sent == 3
    assert {p for p, _ in SENT} == {p.phone for p in people} | {"13800000039"}
    assert AuditLog.objects.filter(verb="resend_notice", object_id=str(notice.pk)).exists()


def test_it_sends_in_the_background_and_fails_a_stale_notice(users, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    grid = users["grid"].division
    _away(grid, "13800000041")
    with django_capture_on_commit_callbacks(execute=True):
        notice = do_send_notice(division=grid, audience=NoticeAudience.AWAY_IN_RISK, text="后台发送",
                                acting_user=users["township"])
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DONE and notice.sent == 1
    import datetime as dt

    from django.utils import timezone

    Notice.objects.filter(pk=notice.pk).update(status=NoticeStatus.SENDING,
                                               heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    assert fail_stale_notices() == 1
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.FAILED and "中断" in notice.message
