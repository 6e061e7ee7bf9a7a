"""Two-factor login (TOTP through django-otp) for the accounts that reach the most.

The three administrators, module leads, reviewers and the command centre must confirm a
password login with a code from an authenticator app (or one of ten single-use recovery codes)
when `FANGKONG_REQUIRE_2FA` is on (the default in production). An account without a device is
sent to enrol first; only the security administrator can reset a lost device (audited).

Enrolment writes nothing until the first code is right: the new secret travels signed in the
form, so opening the page (or a crawler following the link) leaves no half-made device.
"""

from __future__ import annotations

import base64
import secrets
from binascii import unhexlify
from collections.abc import Callable

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, resolve_url
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit
from .actions import SystemActor, action, is_system, require_role
from .choices import AuditAction, Role
from .models import User

TWO_FACTOR_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.MODULE_LEAD,
                              Role.REVIEWER, Role.COMMAND_CENTER})
RECOVERY_CODES = 10
KEY_SALT = "fangkong.twofactor.key"
KEY_MAX_AGE = 900  # seconds an enrolment page's secret stays valid


def required_for(user: User) -> bool:
    return bool(getattr(settings, "FANGKONG_REQUIRE_2FA", False) and user.is_authenticated
                and user.role_names & TWO_FACTOR_ROLES)


def enrolled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def new_key() -> tuple[str, str]:
    """A fresh secret (hex, as django-otp stores it) and the same signed for the enrolment form."""
    key = secrets.token_hex(20)
    return key, signing.dumps(key, salt=KEY_SALT)


def key_from(signed: str) -> str:
    try:
        return signing.loads(signed, salt=KEY_SALT, max_age=KEY_MAX_AGE)
    except signing.BadSignature:
        raise ValidationError(_("设置页面已过期，请重新扫码")) from None


def provisioning_uri(user: User, key: str) -> str:
    """The otpauth:// address the authenticator app reads from the QR code."""
    secret = base64.b32encode(unhexlify(key)).decode()
    issuer = str(getattr(settings, "OTP_TOTP_ISSUER", "fangkong"))
    return f"otpauth://totp/{issuer}:{user.username}?" + urlencode({"secret": secret, "issuer": issuer})


def readable_secret(key: str) -> str:
    secret = base64.b32encode(unhexlify(key)).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@action
def do_enable_2fa(user: User, key: str, token: str, *, acting_user: User | SystemActor) -> list[str]:
    """The holder confirms a new authenticator with its first code; returns the recovery codes
    (shown once). Any earlier device and recovery codes are replaced."""
    if is_system(acting_user) or acting_user.pk != user.pk:
        raise PermissionDenied(_("只能为自己的账号设置双因素认证"))
    totp = TOTP(unhexlify(key), step=30, t0=0, digits=6, drift=0)
    if not (token or "").strip().isdigit() or not totp.verify(int(token.strip()), tolerance=1):
        raise ValidationError({"token": _("验证码不正确，请输入认证器上当前的6位数字")})
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="authenticator", key=key, confirmed=True,
                                       last_t=totp.t())
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    audit.record(AuditAction.UPDATE, user, verb="enable_2fa", changes={"devices": [device.pk, static.pk]})
    return codes


@action
def do_reset_2fa(user: User, *, acting_user: User | SystemActor) -> int:
    """The security administrator removes a user's devices (a lost phone): they enrol again at
    their next login. Returns the number of devices removed."""
    require_role(acting_user, Role.SECURITY_ADMIN)
    removed = TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]
    audit.record(AuditAction.UPDATE, user, verb="reset_2fa", changes={"devices_removed": removed})
    return removed


def verify(request: HttpRequest, token: str) -> bool:
    """Confirm this session's login with a code (TOTP or a recovery code, which is used up).
    django-otp's throttling slows guessing; each result is in the audit log."""
    device = match_token(request.user, (token or "").strip())
    audit.record(AuditAction.ACTION, request.user, verb="verify_2fa" if device else "verify_2fa_failed",
                 changes={"device": device.persistent_id} if device else {})
    if device is None:
        return False
    otp_login(request, device)
    return True


def verify_enrolled(request: HttpRequest) -> None:
    """The session that just enrolled is verified by that first code."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is not None:
        otp_login(request, device)


class TwoFactorMiddleware:
    """After the password: an account that needs a second factor reaches nothing but enrolment,
    the code page, logging out and static files until this session is verified."""

    open_paths = ("/static/", "/favicon.ico", "/i18n/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and required_for(user) and not user.is_verified():
            target = resolve_url("core:twofactor_verify" if enrolled(user) else "core:twofactor_setup")
            allowed = (resolve_url("core:twofactor_verify"), resolve_url("core:twofactor_setup"),
                       resolve_url("logout"), resolve_url("core:password_change"))
            if request.path not in allowed and not request.path.startswith(self.open_paths):
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _("请先完成双因素认证")}, status=403)
                if getattr(request, "htmx", False):
                    return HttpResponse(status=204, headers={"HX-Redirect": target})
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
