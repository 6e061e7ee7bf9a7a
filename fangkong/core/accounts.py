"""Account actions (三员分立): every change to an account goes through one audited function here.

The system administrator creates and deactivates accounts and sets their division; the
security administrator assigns roles and unlocks locked logins; the audit administrator only
reads what the other two did (the audit log filtered by `admin_actions`). Pages, the Django
admin and management commands all call these functions, so the separation of the three
administrator roles and the audit row cannot be skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .choices import MODULE_ROLES, SEPARATED_ADMIN_ROLES, AuditAction, Module, Role
from .models import AuditLog, Division, User, UserRole

ACCOUNT_ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


def check_role_separation(held: Iterable[str], new_role: str) -> None:
    """Refuse a role that would give one account two of the three administrator roles.

    Pure Python on purpose: the rule spans rows, which no portable database constraint can
    express, so every path that adds a role calls this with the roles already held.
    """
    if new_role not in SEPARATED_ADMIN_ROLES:
        return
    clash = (set(held) & SEPARATED_ADMIN_ROLES) - {new_role}
    if clash:
        raise ValidationError(_("系统管理员、安全管理员、审计管理员(三员)不能由同一账号兼任"), code="role_separation")


def _require(*roles: str) -> User | None:
    """The acting user, if they hold one of `roles`; None when the system acts (commands, jobs)."""
    actor = audit.current().actor
    if actor is None or actor.is_superuser:
        return actor
    if not actor.has_role(*roles):
        raise PermissionDenied(_("您没有此项账号管理权限"))
    return actor


def _not_self(actor: User | None, user: User) -> None:
    """Administrators never widen or narrow their own rights: another administrator must do it."""
    if actor is not None and actor.pk == user.pk and not actor.is_superuser:
        raise ValidationError(_("不能为自己分配或收回角色"))


def _forget_roles(user: User) -> None:
    for attr in ("role_names", "modules"):
        user.__dict__.pop(attr, None)


def do_assign_role(user: User, role: str, module: str = "") -> UserRole:
    """Give `user` a role (module roles name their screening module). Security administrator only."""
    _not_self(_require(Role.SECURITY_ADMIN), user)
    if role not in Role.values:
        raise ValidationError(_("未知角色:%(role)s") % {"role": role})
    if role in MODULE_ROLES and module not in Module.values:
        raise ValidationError(_("模块负责人、管理员、审核员必须指定模块"))
    if role not in MODULE_ROLES:
        module = ""
    with transaction.atomic():
        # Locking the account row serialises concurrent assignments (PostgreSQL), so two
        # requests cannot each add one administrator role to the same account.
        User.objects.select_for_update().filter(pk=user.pk).first()
        held = set(UserRole.objects.filter(user=user).values_list("role", flat=True))
        check_role_separation(held, role)
        existing = UserRole.objects.filter(user=user, role=role, module=module).first()
        if existing is not None:
            return existing
        user_role = UserRole.objects.create(user=user, role=role, module=module)
        audit.record(AuditAction.UPDATE, user, verb="assign_role",
                     changes={"role": [None, role], "module": [None, module or None]})
    _forget_roles(user)
    return user_role


def do_revoke_role(user: User, role: str, module: str = "") -> None:
    """Take a role away from `user`. Security administrator only."""
    _not_self(_require(Role.SECURITY_ADMIN), user)
    with transaction.atomic():
        deleted, _n = UserRole.objects.filter(user=user, role=role, module=module or "").delete()
        if deleted:
            audit.record(AuditAction.UPDATE, user, verb="revoke_role",
                         changes={"role": [role, None], "module": [module or None, None]})
    _forget_roles(user)


def do_create_user(
    username: str, *, division: Division | None, password: str | None = None, full_name: str = "",
    phone: str = "", organisation: str = "",
) -> User:
    """Open an account. System administrator only; roles are then given by the security administrator."""
    _require(Role.SYSTEM_ADMIN)
    with transaction.atomic():
        user = User(username=username, division=division, full_name=full_name, phone=phone,
                    organisation=organisation)
        if password:
            from django.contrib.auth.password_validation import validate_password

            validate_password(password, user)
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        audit.record(AuditAction.CREATE, user, verb="create_user", changes={
            "username": [None, username], "division": [None, division.pk if division else None],
            "full_name": [None, full_name], "organisation": [None, organisation],
        })
    return user


def do_set_active(user: User, active: bool) -> User:
    """Deactivate (or reactivate) an account. System administrator only; nobody deactivates themself."""
    actor = _require(Role.SYSTEM_ADMIN)
    if actor is not None and actor.pk == user.pk and not active:
        raise ValidationError(_("不能停用自己的账号"))
    if user.is_active == active:
        return user
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=active)
        user.is_active = active
        audit.record(AuditAction.UPDATE, user, verb="activate_user" if active else "deactivate_user",
                     changes={"is_active": [not active, active]})
    return user


def do_set_division(user: User, division: Division | None) -> User:
    """Move an account to another division (its scope). System administrator only."""
    _require(Role.SYSTEM_ADMIN)
    if user.division_id == (division.pk if division else None):
        return user
    with transaction.atomic():
        before = user.division_id
        User.objects.filter(pk=user.pk).update(division=division)
        user.division = division
        audit.record(AuditAction.UPDATE, user, verb="set_division",
                     changes={"division_id": [before, division.pk if division else None]})
    return user


def locked_usernames(now: datetime | None = None) -> list[str]:
    """Usernames whose logins are locked right now (≥ AXES_FAILURE_LIMIT failures within the cool-off)."""
    from axes.models import AccessAttempt

    since = (now or timezone.now()) - settings.AXES_COOLOFF_TIME
    return sorted(set(
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since, username__isnull=False,
        ).values_list("username", flat=True)
    ))


def do_unlock(username: str) -> int:
    """Clear the failed logins of `username` (axes reset). Security administrator only."""
    from axes.utils import reset

    _require(Role.SECURITY_ADMIN)
    with transaction.atomic():
        count = reset(username=username)
        user = User.objects.filter(username=username).first()
        audit.record(AuditAction.UPDATE, user, verb="unlock_user", object_type_="core.user",
                     object_repr=username, changes={"failed_attempts_cleared": count})
    return count


def do_create_api_token(user: User) -> str:
    """Issue (or rotate) the DRF token a connected system authenticates with."""
    from rest_framework.authtoken.models import Token

    _require(Role.SECURITY_ADMIN)
    if not user.is_active:
        raise ValidationError(_("账号已停用,不能签发接口令牌"))
    with transaction.atomic():
        rotated = Token.objects.filter(user=user).delete()[0] > 0
        token = Token.objects.create(user=user)
        audit.record(AuditAction.UPDATE, user, verb="create_api_token", changes={"rotated": rotated})
    return token.key


def users_for(actor: User) -> QuerySet[User]:
    """Accounts an account administrator manages: those in their division subtree (and unplaced ones)."""
    from django.db.models import Q

    qs = User.objects.select_related("division").prefetch_related("roles")
    if actor.is_superuser:
        return qs
    if not actor.has_role(*ACCOUNT_ADMIN_ROLES) or actor.division is None:
        return qs.none()
    return qs.filter(Q(division__path__startswith=actor.division.path) | Q(division__isnull=True))


def admin_actions() -> QuerySet[AuditLog]:
    """What the system and security administrators did: the audit administrator's view (三员互相制约)."""
    admins = UserRole.objects.filter(role__in=[Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN]).values("user_id")
    return AuditLog.objects.filter(actor_id__in=admins)
