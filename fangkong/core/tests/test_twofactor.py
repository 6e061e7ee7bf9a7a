"""双因素认证 (#17 item 4): the accounts that reach most confirm a login with a code; enrolment,
recovery codes, the security administrator's reset, and everyone else untouched."""

from __future__ import annotations

import re
from binascii import unhexlify

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from fangkong.core import twofactor
from fangkong.core.choices import AuditAction
from fangkong.core.testkit import assert_audited, client_for


@pytest.fixture
def required(settings):
    settings.FANGKONG_REQUIRE_2FA = True


def _code(key: str, steps_ahead: int = 0) -> str:
    """The app's code now (or a step later: a code already used is refused as a replay)."""
    return f"{TOTP(unhexlify(key), t0=-30 * steps_ahead).token():06d}"


def _enrol(client) -> tuple[str, list[str], str]:
    """(the device's key, the recovery codes, the code enrolment used: sent again, a replay)"""
    page = client.get(reverse("core:twofactor_setup")).content.decode()
    signed = re.search(r'name="key" value="([^"]+)"', page).group(1)
    key = signing.loads(signed, salt=twofactor.KEY_SALT)
    token = _code(key)
    resp = client.post(reverse("core:twofactor_setup"), {"key": signed, "token": token, "next": "/"})
    assert resp.status_code == 200, resp.content.decode()[:500]
    codes = re.findall(r"<li><code>([^<]+)</code></li>", resp.content.decode())
    return key, codes, token


def test_a_commander_without_a_device_is_sent_to_enrol_and_nothing_is_made_by_looking(users, required):
    client = client_for(users["commander"])
    resp = client.get(reverse("screening:board"))
    assert resp.status_code == 302 and resp["Location"].startswith(reverse("core:twofactor_setup"))
    assert client.get("/api/screening/verifications/").status_code == 403
    page = client.get(resp["Location"]).content.decode()
    assert "<svg" in page and "设置双因素认证" in page
    assert not TOTPDevice.objects.filter(user=users["commander"]).exists()  # a GET writes nothing


def test_enrolment_needs_the_right_code_then_gives_ten_recovery_codes_and_opens_the_platform(users, required):
    client = client_for(users["commander"])
    page = client.get(reverse("core:twofactor_setup")).content.decode()
    signed = re.search(r'name="key" value="([^"]+)"', page).group(1)
    wrong = client.post(reverse("core:twofactor_setup"), {"key": signed, "token": "000000"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=users["commander"]).exists()
    forged = client.post(reverse("core:twofactor_setup"), {"key": "x" + signed, "token": "123456"})
    assert forged.status_code == 400 and "已过期" in forged.content.decode()
    key, codes, _token = _enrol(client)
    assert len(codes) == twofactor.RECOVERY_CODES == len(set(codes))
    assert client.get(reverse("screening:board")).status_code == 200  # this session is verified
    assert_audited(AuditAction.UPDATE, users["commander"], actor=users["commander"], verb="enable_2fa")


def test_the_next_login_asks_for_a_code_and_a_recovery_code_works_once(users, required, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0  # else each failure locks 2^n s
    key, codes, used = _enrol(client_for(users["commander"]))
    client = client_for(users["commander"])  # a new login
    resp = client.get(reverse("screening:board"))
    assert resp.status_code == 302 and resp["Location"].startswith(reverse("core:twofactor_verify"))
    verify = reverse("core:twofactor_verify")
    assert client.post(verify, {"token": "999999"}).status_code == 400
    # Enrolment's own code, not "the code now": a 30-second step may have passed since (CI under load).
    assert client.post(verify, {"token": used}).status_code == 400
    assert client.post(verify, {"token": _code(key, 1), "next": "/screening/board/"})["Location"] == "/screening/board/"
    assert client.get(reverse("screening:board")).status_code == 200
    other = client_for(users["commander"])
    assert other.post(verify, {"token": codes[0]}).status_code == 302
    again = client_for(users["commander"])
    assert again.post(verify, {"token": codes[0]}).status_code == 400  # used up
    assert_audited(AuditAction.ACTION, users["commander"], verb="verify_2fa_failed")


def test_guessing_is_slowed_by_the_devices_throttle(users, required):
    key, _codes, _token = _enrol(client_for(users["commander"]))
    client = client_for(users["commander"])
    verify = reverse("core:twofactor_verify")
    assert client.post(verify, {"token": "999999"}).status_code == 400
    assert client.post(verify, {"token": _code(key, 1)}).status_code == 400  # right, but throttled


def test_roles_that_do_not_need_it_and_a_switched_off_setting_are_untouched(users, settings):
    settings.FANGKONG_REQUIRE_2FA = True
    assert client_for(users["grid"]).get(reverse("screening:my_tasks")).status_code == 200
    settings.FANGKONG_REQUIRE_2FA = False
    assert client_for(users["commander"]).get(reverse("screening:board")).status_code == 200


def test_only_the_security_admin_resets_a_lost_device_and_it_is_audited(users, required):
    _enrol(client_for(users["commander"]))
    with pytest.raises(PermissionDenied):
        twofactor.do_reset_2fa(users["commander"], acting_user=users["sysadmin"])
    secadmin = client_for(users["secadmin"])
    _enrol(secadmin)  # the security administrator needs a second factor too
    page = secadmin.get(reverse("core:account", args=[users["commander"].pk])).content.decode()
    assert "重置双因素认证" in page
    resp = secadmin.post(reverse("core:account_action", args=[users["commander"].pk, "reset_2fa"]))
    assert resp.status_code == 302
    assert not TOTPDevice.objects.filter(user=users["commander"]).exists()
    assert_audited(AuditAction.UPDATE, users["commander"], actor=users["secadmin"], verb="reset_2fa")
    resp = client_for(users["commander"]).get(reverse("screening:board"))
    assert resp["Location"].startswith(reverse("core:twofactor_setup"))  # enrols again
