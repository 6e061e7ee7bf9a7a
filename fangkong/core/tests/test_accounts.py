"""三员分立 and the audited account actions (core.accounts)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from fangkong.core.accounts import (
    check_role_separation,
    do_assign_role,
    do_create_user,
    do_revoke_role,
    do_set_active,
    do_set_division,
)
from fangkong.core.actions import SYSTEM, MissingActor
from fangkong.core.choices import AuditAction, Role
from fangkong.core.models import User, UserRole
from fangkong.core.testkit import assert_audited, assert_not_audited, last_audit_id, make_user


def test_it_refuses_two_admin_roles_without_a_database():
    with pytest.raises(ValidationError):
        check_role_separation({"system_admin", "grid_worker"}, "audit_admin")
    check_role_separation({"system_admin"}, "system_admin")
    check_role_separation({"cdc"}, "grid_worker")
    for held, role in (({"system_admin"}, "cdc"), ({"cdc"}, "security_admin")):
        with pytest.raises(ValidationError):  # an administrator holds no business role (#17)
            check_role_separation(held, role)


def test_it_assigns_a_role_as_the_security_admin_and_audits_it(users):
    grid = users["grid"]
    do_assign_role(grid, Role.CDC, acting_user=users["secadmin"])
    assert grid.has_role(Role.CDC)
    row = assert_audited(AuditAction.UPDATE, grid, actor=users["secadmin"], verb="assign_role")
    assert row.changes["role"] == [None, "cdc"]
    do_revoke_role(grid, Role.CDC, acting_user=users["secadmin"])
    assert not grid.has_role(Role.CDC)
    assert_audited(AuditAction.UPDATE, grid, actor=users["secadmin"], verb="revoke_role")


@pytest.mark.parametrize("holder,role", [("sysadmin", Role.AUDIT_ADMIN), ("secadmin", Role.SYSTEM_ADMIN),
                                          ("auditadmin", Role.SECURITY_ADMIN)])
def test_it_never_combines_the_three_admin_roles(users, holder, role):
    with pytest.raises(ValidationError):
        do_assign_role(users[holder], role, acting_user=users["secadmin"])
    assert not UserRole.objects.filter(user=users[holder], role=role).exists()


def test_it_refuses_a_direct_save_that_combines_them(users):
    with pytest.raises(ValidationError):
        UserRole.objects.create(user=users["sysadmin"], role=Role.SECURITY_ADMIN)


def test_only_the_security_admin_assigns_roles(users):
    for name in ("sysadmin", "auditadmin", "commander"):
        with pytest.raises(PermissionDenied):
            do_assign_role(users["grid"], Role.CDC, acting_user=users[name])


def test_it_requires_a_module_for_module_roles(users):
    with pytest.raises(ValidationError):
        do_assign_role(users["grid"], Role.REVIEWER, acting_user=users["secadmin"])
    do_assign_role(users["grid"], Role.REVIEWER, "big_data", acting_user=users["secadmin"])
    assert users["grid"].modules == {"big_data": frozenset({"reviewer"})}


def test_the_command_goes_through_the_same_action(users):
    with pytest.raises(CommandError, match="三员"):
        call_command("assign_role", "secadmin", "audit_admin")
    call_command("assign_role", "grid", "cdc")
    row = assert_audited(AuditAction.UPDATE, users["grid"], verb="assign_role")
    assert row.source == "cli" and row.actor is None


def test_nobody_changes_their_own_roles(users):
    with pytest.raises(ValidationError, match="自己"):
        do_assign_role(users["secadmin"], Role.COMMAND_CENTER, acting_user=users["secadmin"])
    with pytest.raises(ValidationError, match="自己"):
        do_revoke_role(users["secadmin"], Role.SECURITY_ADMIN, acting_user=users["secadmin"])
    assert users["secadmin"].role_names == {"security_admin"}


def test_it_refuses_an_account_action_without_an_actor(users):
    """No actor is an error, never the system: before, `_require` let a missing actor through."""
    grid = users["grid"]
    before = last_audit_id()
    with pytest.raises(MissingActor):
        do_assign_role(grid, Role.CDC, acting_user=None)
    with pytest.raises(TypeError):
        do_set_active(grid, False)  # acting_user is a required keyword
    assert not User.objects.get(pk=grid.pk).role_names & {Role.CDC} and User.objects.get(pk=grid.pk).is_active
    assert_not_audited(before)


def test_it_gives_a_superuser_without_the_role_no_bypass(users):
    root = User.objects.create(username="root1", division=users["commander"].division, is_superuser=True)
    with pytest.raises(PermissionDenied):
        do_assign_role(users["grid"], Role.CDC, acting_user=root)
    with pytest.raises(PermissionDenied):
        do_set_active(users["grid"], False, acting_user=root)
    assert not users["grid"].has_role(Role.CDC)


def test_it_keeps_a_township_admin_inside_its_subtree(users):
    township = users["township"].division
    local_sysadmin = make_user("sysadmin_t", township, Role.SYSTEM_ADMIN)
    local_secadmin = make_user("secadmin_t", township, Role.SECURITY_ADMIN)
    outsider = users["grid_other"]  # a grid of another township
    assert not township.contains(outsider.division)
    with pytest.raises(PermissionDenied):
        do_set_active(outsider, False, acting_user=local_sysadmin)
    with pytest.raises(PermissionDenied):
        do_assign_role(outsider, Role.CDC, acting_user=local_secadmin)
    with pytest.raises(PermissionDenied):
        do_create_user("far_away", division=outsider.division, acting_user=local_sysadmin)
    with pytest.raises(PermissionDenied):
        do_set_division(users["grid"], outsider.division, acting_user=local_secadmin)
    assert User.objects.get(pk=outsider.pk).is_active and not User.objects.filter(username="far_away").exists()
    do_set_active(users["grid"], False, acting_user=local_sysadmin)  # inside: allowed
    assert_audited(AuditAction.UPDATE, users["grid"], actor=local_sysadmin, verb="deactivate_user")


def test_the_system_actor_acts_for_commands(users):
    user = do_create_user("by_system", division=users["grid"].division, acting_user=SYSTEM)
    row = assert_audited(AuditAction.CREATE, user, verb="create_user")
    assert row.actor is None
