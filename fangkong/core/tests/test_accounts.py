"""三员分立 and the audited account actions (core.accounts)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from fangkong.core import audit
from fangkong.core.accounts import check_role_separation, do_assign_role, do_revoke_role
from fangkong.core.choices import AuditAction, Role
from fangkong.core.models import UserRole
from fangkong.core.testkit import assert_audited


def test_it_refuses_two_admin_roles_without_a_database():
    with pytest.raises(ValidationError):
        check_role_separation({"system_admin", "grid_worker"}, "audit_admin")
    check_role_separation({"system_admin"}, "system_admin")
    check_role_separation({"system_admin"}, "cdc")
    check_role_separation({"cdc"}, "security_admin")


def test_it_assigns_a_role_as_the_security_admin_and_audits_it(users):
    grid = users["grid"]
    with audit.audit_context(actor=users["secadmin"]):
        do_assign_role(grid, Role.CDC)
    assert grid.has_role(Role.CDC)
    row = assert_audited(AuditAction.UPDATE, grid, actor=users["secadmin"], verb="assign_role")
    assert row.changes["role"] == [None, "cdc"]
    with audit.audit_context(actor=users["secadmin"]):
        do_revoke_role(grid, Role.CDC)
    assert not grid.has_role(Role.CDC)
    assert_audited(AuditAction.UPDATE, grid, actor=users["secadmin"], verb="revoke_role")


@pytest.mark.parametrize("holder,role", [("sysadmin", Role.AUDIT_ADMIN), ("secadmin", Role.SYSTEM_ADMIN),
                                          ("auditadmin", Role.SECURITY_ADMIN)])
def test_it_never_combines_the_three_admin_roles(users, holder, role):
    with audit.audit_context(actor=users["secadmin"]), pytest.raises(ValidationError):
        do_assign_role(users[holder], role)
    assert not UserRole.objects.filter(user=users[holder], role=role).exists()


def test_it_refuses_a_direct_save_that_combines_them(users):
    with pytest.raises(ValidationError):
        UserRole.objects.create(user=users["sysadmin"], role=Role.SECURITY_ADMIN)


def test_only_the_security_admin_assigns_roles(users):
    for name in ("sysadmin", "auditadmin", "commander"):
        with audit.audit_context(actor=users[name]), pytest.raises(PermissionDenied):
            do_assign_role(users["grid"], Role.CDC)


def test_it_requires_a_module_for_module_roles(users):
    with audit.audit_context(actor=users["secadmin"]), pytest.raises(ValidationError):
        do_assign_role(users["grid"], Role.REVIEWER)
    with audit.audit_context(actor=users["secadmin"]):
        do_assign_role(users["grid"], Role.REVIEWER, "big_data")
    assert users["grid"].modules == {"big_data": frozenset({"reviewer"})}


def test_the_command_goes_through_the_same_action(users):
    with pytest.raises(CommandError, match="三员"):
        call_command("assign_role", "secadmin", "audit_admin")
    call_command("assign_role", "grid", "cdc")
    row = assert_audited(AuditAction.UPDATE, users["grid"], verb="assign_role")
    assert row.source == "cli" and row.actor is None


def test_nobody_changes_their_own_roles(users):
    with audit.audit_context(actor=users["secadmin"]), pytest.raises(ValidationError, match="自己"):
        do_assign_role(users["secadmin"], Role.COMMAND_CENTER)
    with audit.audit_context(actor=users["secadmin"]), pytest.raises(ValidationError, match="自己"):
        do_revoke_role(users["secadmin"], Role.SECURITY_ADMIN)
    assert users["secadmin"].role_names == {"security_admin"}
