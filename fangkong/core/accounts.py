"""Account actions (三员分立): every change to an account goes through one audited function here.

The system administrator creates and deactivates accounts and resets passwords (which the
holder must change at the next login); the security administrator assigns roles, moves
accounts to another division (their data scope) and unlocks locked logins; the audit
administrator only reads what the other two did (the audit log filtered by `admin_actions`).
An administrator account holds no business role, and no administrator deactivates another. Pages, the Django
admin and management commands all call these functions, so the separation of the three
administrator roles and the audit row cannot be skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .actions import SystemActor, action, is_system, require_role
from .choices import MODULE_ROLES, SEPARATED_ADMIN_ROLES, AuditAction, DivisionLevel, Module, Role
from .models import AuditLog, Division, User, UserRole

ACCOUNT_ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
AUDIT_READERS = frozenset({Role.AUDITOR, Role.AUDIT_ADMIN})
COUNTY_OR_ABOVE = frozenset({DivisionLevel.PROVINCE, DivisionLevel.CITY, DivisionLevel.COUNTY})


def check_role_separation(held: Iterable[str], new_role: str) -> None:
    """Refuse a role that would give one account two of the three administrator roles, or an
    administrator role beside a business role (sysadmin + command centre would read full IDs).

    Pure Python on purpose: the rule spans rows, which no portable database constraint can
    express, so every path that adds a role calls this with the roles already held.
    """
    held = set(held) - {new_role}
    if new_role in SEPARATED_ADMIN_ROLES:
        if held & SEPARATED_ADMIN_ROLES:
            raise ValidationError(_("系统管理员、安全管理员、审计管理员(三员)不能由同一账号兼任"),
                                  code="role_separation")
        if held:
            raise ValidationError(_("三员账号不能同时拥有业务角色,请先收回该账号的业务角色"), code="admin_business")
    elif held & SEPARATED_ADMIN_ROLES:
        raise ValidationError(_("三员账号不能同时拥有业务角色"), code="admin_business")


def require_account_admin(acting_user: User | SystemActor, role: str, user: User | None = None) -> None:
    """The rule of every account action: `acting_user` holds `role` and, if `user` is given,
    manages that account (it lies in their division subtree). SYSTEM (commands) passes.

    A thin rule on `require_role`: it fails closed, and a superuser is no exception (三员分立
    binds the technical account too; it reads the Django admin, it does not change accounts).
    """
    require_role(acting_user, role)
    if user is not None and not is_system(acting_user) and not users_for(acting_user).filter(pk=user.pk).exists():
        raise PermissionDenied(_("该账号不在您的管辖范围内"))


def _not_self(acting_user: User | SystemActor, user: User) -> None:
    """Administrators never widen or narrow their own rights: another administrator must do it."""
    if not is_system(acting_user) and acting_user.pk == user.pk:
        raise ValidationError(_("不能为自己分配或收回角色"))


def _forget_roles(user: User) -> None:
    for attr in ("role_names", "modules"):
        user.__dict__.pop(attr, None)


@action
def do_assign_role(user: User, role: str, module: str = "", *, acting_user: User | SystemActor) -> UserRole:
    """Give `user` a role (module roles name their screening module). Security administrator only."""
    require_account_admin(acting_user, Role.SECURITY_ADMIN, user)
    _not_self(acting_user, user)
    if role not in Role.values:
        raise ValidationError(_("未知角色:%(role)s") % {"role": role})
    if role in MODULE_ROLES and module not in Module.values:
        raise ValidationError(_("模块负责人、管理员、审核员必须指定模块"))
    if role not in MODULE_ROLES:
        module = ""
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


@action
def do_revoke_role(user: User, role: str, module: str = "", *, acting_user: User | SystemActor) -> None:
    """Take a role away from `user`. Security administrator only."""
    require_account_admin(acting_user, Role.SECURITY_ADMIN, user)
    _not_self(acting_user, user)
    deleted, _n = UserRole.objects.filter(user=user, role=role, module=module or "").delete()
    if deleted:
        audit.record(AuditAction.UPDATE, user, verb="revoke_role",
                     changes={"role": [role, None], "module": [module or None, None]})
    _forget_roles(user)


@action
def do_create_user(
    username: str, *, division: Division | None, password: str | None = None, full_name: str = "",
    phone: str = "", organisation: str = "", password_hash: str = "", acting_user: User | SystemActor,
) -> User:
    """Open an account. System administrator only, inside their own subtree; roles are then
    given by the security administrator.

    `password_hash` (an already hashed password) is for the system only: the generated county
    gives its demo accounts one shared password, hashed once rather than once per account.
    """
    require_account_admin(acting_user, Role.SYSTEM_ADMIN)
    _require_division_in_reach(acting_user, division)
    if password_hash and not is_system(acting_user):
        raise PermissionDenied(_("您没有此项账号管理权限"))
    user = User(username=username, division=division, full_name=full_name, phone=phone,
                organisation=organisation)
    if password_hash:
        user.password = password_hash
    elif password:
        from django.contrib.auth.password_validation import validate_password

        validate_password(password, user)
        user.set_password(password)
        # A password an administrator chose is known to them: the holder must replace it.
        user.must_change_password = not is_system(acting_user)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(AuditAction.CREATE, user, verb="create_user", changes={
        "username": [None, username], "division": [None, division.pk if division else None],
        "full_name": [None, full_name], "organisation": [None, organisation],
    })
    return user


@action
def do_set_active(user: User, active: bool, *, acting_user: User | SystemActor) -> User:
    """Deactivate (or reactivate) an account. System administrator only; nobody deactivates
    themself, and the three administrators never deactivate one another (三员互相制约: only the
    system itself, through a command, can)."""
    require_account_admin(acting_user, Role.SYSTEM_ADMIN, user)
    if not is_system(acting_user) and acting_user.pk == user.pk and not active:
        raise ValidationError(_("不能停用自己的账号"))
    if not is_system(acting_user) and not active and user.has_role(*SEPARATED_ADMIN_ROLES):
        raise ValidationError(_("三员账号之间不能互相停用"))
    if user.is_active == active:
        return user
    User.objects.filter(pk=user.pk).update(is_active=active)
    user.is_active = active
    audit.record(AuditAction.UPDATE, user, verb="activate_user" if active else "deactivate_user",
                 changes={"is_active": [not active, active]})
    return user


@action
def do_set_division(user: User, division: Division | None, *, acting_user: User | SystemActor) -> User:
    """Move an account to another division (its scope) inside the administrator's subtree.
    Security administrator only: the division is the account's data scope, so the system
    administrator alone (who opens accounts) must not be able to widen one."""
    require_account_admin(acting_user, Role.SECURITY_ADMIN, user)
    _require_division_in_reach(acting_user, division)
    if user.division_id == (division.pk if division else None):
        return user
    before = user.division_id
    User.objects.filter(pk=user.pk).update(division=division)
    user.division = division
    audit.record(AuditAction.UPDATE, user, verb="set_division",
                 changes={"division_id": [before, division.pk if division else None]})
    return user


@action
def do_reset_password(user: User, password: str, *, acting_user: User | SystemActor) -> User:
    """Set a new password for `user` (forgotten password). System administrator only; the
    holder must change it at the next login, so the administrator never keeps a working one."""
    from django.contrib.auth.password_validation import validate_password

    require_account_admin(acting_user, Role.SYSTEM_ADMIN, user)
    if not is_system(acting_user) and acting_user.pk == user.pk:
        raise ValidationError(_("请在“修改密码”页面修改自己的密码"))
    validate_password(password, user)
    user.set_password(password)
    user.must_change_password = True
    User.objects.filter(pk=user.pk).update(password=user.password, must_change_password=True)
    audit.record(AuditAction.UPDATE, user, verb="reset_password", changes={"must_change_password": [None, True]})
    return user


@action
def do_change_password(user: User, old_password: str, new_password: str, *,
                       acting_user: User | SystemActor) -> User:
    """The holder replaces their own password (and clears the forced-change flag)."""
    from django.contrib.auth.password_validation import validate_password

    if is_system(acting_user) or acting_user.pk != user.pk:
        raise PermissionDenied(_("只能修改自己的密码"))
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("原密码不正确")})
    if old_password == new_password:
        raise ValidationError({"new_password": _("新密码不能与原密码相同")})
    validate_password(new_password, user)
    user.set_password(new_password)
    User.objects.filter(pk=user.pk).update(password=user.password, must_change_password=False)
    user.must_change_password = False
    audit.record(AuditAction.UPDATE, user, verb="change_password", changes={"must_change_password": [None, False]})
    return user


def _require_division_in_reach(acting_user: User | SystemActor, division: Division | None) -> None:
    """An administrator places accounts only inside their own subtree (or leaves them unplaced)."""
    if is_system(acting_user) or division is None:
        return
    home = acting_user.division
    if home is None or not home.contains(division):
        raise PermissionDenied(_("该区划不在您的管辖范围内"))


def locked_usernames(now: datetime | None = None) -> list[str]:
    """Usernames whose logins are locked right now (≥ AXES_FAILURE_LIMIT failures within the cool-off)."""
    from axes.models import AccessAttempt

    since = (now or timezone.now()) - settings.AXES_COOLOFF_TIME
    return sorted(set(
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since, username__isnull=False,
        ).values_list("username", flat=True)
    ))


def is_locked(username: str, now: datetime | None = None) -> bool:
    """Whether logins of `username` are locked right now (as `locked_usernames`, for one name)."""
    from axes.models import AccessAttempt

    since = (now or timezone.now()) - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(username=username, failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
                                        attempt_time__gte=since).exists()


# Password spraying (a few tries at each of many accounts) never locks one account: failed logins
# are counted per client address as well, in the shared store, and an address over the limit may
# not log in to any account until its window has passed.
def _address_key(address: str | None) -> str:
    return f"login-failed:{address or 'unknown'}"


def address_blocked(address: str | None) -> bool:
    """Whether this client address made LOGIN_FAILURES_PER_ADDRESS failed logins in the window."""
    from . import ratelimit

    return ratelimit.exceeded(_address_key(address), limit=settings.LOGIN_FAILURES_PER_ADDRESS,
                              window=settings.LOGIN_ADDRESS_WINDOW_SECONDS)


def count_failed_login(address: str | None) -> None:
    from . import ratelimit

    ratelimit.hit(_address_key(address), window=settings.LOGIN_ADDRESS_WINDOW_SECONDS)


@action
def do_unlock(username: str, *, acting_user: User | SystemActor) -> int:
    """Clear the failed logins of `username` (axes reset). Security administrator only; a
    known account must lie in their subtree (an unknown name has no account to scope by)."""
    from axes.utils import reset

    user = User.objects.filter(username=username).first()
    require_account_admin(acting_user, Role.SECURITY_ADMIN, user)
    count = reset(username=username)
    audit.record(AuditAction.UPDATE, user, verb="unlock_user", object_type_="core.user",
                 object_repr=username, changes={"failed_attempts_cleared": count})
    return count


@action
def do_create_api_token(user: User, *, acting_user: User | SystemActor) -> str:
    """Issue (or rotate) the DRF token a connected system authenticates with. Security
    administrator only."""
    from rest_framework.authtoken.models import Token

    require_account_admin(acting_user, Role.SECURITY_ADMIN, user)
    if not user.is_active:
        raise ValidationError(_("账号已停用,不能签发接口令牌"))
    rotated = Token.objects.filter(user=user).delete()[0] > 0
    token = Token.objects.create(user=user)
    audit.record(AuditAction.UPDATE, user, verb="create_api_token", changes={"rotated": rotated})
    return token.key


def users_for(actor: User) -> QuerySet[User]:
    """Accounts an account administrator manages: those in their division subtree (and unplaced ones)."""
    qs = User.objects.select_related("division").prefetch_related("roles")
    if not actor.has_role(*ACCOUNT_ADMIN_ROLES) or actor.division is None:
        return qs.none()
    return qs.filter(Q(division__path__startswith=actor.division.path) | Q(division__isnull=True))


def admin_actions() -> QuerySet[AuditLog]:
    """What the system and security administrators did: the audit administrator's view (三员互相制约)."""
    admins = UserRole.objects.filter(role__in=[Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN]).values("user_id")
    return AuditLog.objects.filter(actor_id__in=admins)


def audit_log_for(user: Any, *, admins_only: bool = False) -> QuerySet[AuditLog]:
    """The audit rows `user` may read: the one scope of the audit-log pages, export and API.

    Auditors and the audit administrator only (anyone else: nothing). At county level or
    above they read the whole log; below it, what happened to their subtree's data and what
    their own subtree's people did. An account without a division reads nothing.
    """
    if user is None or not user.is_authenticated or not user.is_active or not user.has_role(*AUDIT_READERS):
        return AuditLog.objects.none()
    division = user.division
    if division is None:
        return AuditLog.objects.none()
    rows = admin_actions() if admins_only else AuditLog.objects.all()
    if division.level not in COUNTY_OR_ABOVE:
        rows = rows.filter(Q(division_path__startswith=division.path)
                           | Q(actor__division__path__startswith=division.path))
    return rows
