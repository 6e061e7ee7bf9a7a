"""三员分立 as the probe tried to bypass it (#17): passwords an administrator keeps, division
moves by the system administrator alone, administrators with business roles, and
administrators deactivating one another."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fangkong.core.accounts import (
    do_assign_role,
    do_change_password,
    do_create_user,
    do_reset_password,
    do_set_active,
    do_set_division,
)
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditAction, Role
from fangkong.core.models import Division, User, UserRole
from fangkong.core.testkit import assert_audited, client_for

PASSWORD = "Qz7!long-enough-pw"
NEW_PASSWORD = "Vx9#another-long-pw"


def test_it_refuses_a_division_move_by_the_system_admin_alone(users):
    grid = users["grid"]
    other = users["grid_other"].division
    with pytest.raises(PermissionDenied):
        do_set_division(grid, other, acting_user=users["sysadmin"])
    assert User.objects.get(pk=grid.pk).division_id != other.pk


def test_the_security_admin_moves_an_account_and_it_is_audited(users):
    grid = users["grid"]
    other = users["grid_other"].division
    do_set_division(grid, other, acting_user=users["secadmin"])
    assert User.objects.get(pk=grid.pk).division_id == other.pk
    assert_audited(AuditAction.UPDATE, grid, actor=users["secadmin"], verb="set_division")


def test_the_division_page_button_belongs_to_the_security_admin(users):
    grid, other = users["grid"], users["grid_other"].division
    response = client_for(users["sysadmin"]).post(f"/core/accounts/{grid.pk}/division/", {"division": other.pk})
    assert response.status_code == 403
    response = client_for(users["secadmin"]).post(f"/core/accounts/{grid.pk}/division/", {"division": other.pk})
    assert response.status_code == 302
    assert User.objects.get(pk=grid.pk).division_id == other.pk


@pytest.mark.parametrize("admin", ["sysadmin", "secadmin", "auditadmin"])
def test_it_refuses_a_business_role_for_an_admin_account(users, admin):
    holder = users[admin]
    actor = users["secadmin"] if admin != "secadmin" else None
    if actor is None:  # the security admin never changes their own roles; another one would
        actor = User.objects.create(username="secadmin2", division=holder.division)
        UserRole.objects.create(user=actor, role=Role.SECURITY_ADMIN)
    with pytest.raises(ValidationError) as e:
        do_assign_role(holder, Role.COMMAND_CENTER, acting_user=actor)
    assert "业务角色" in e.value.messages[0]
    assert not UserRole.objects.filter(user=holder, role=Role.COMMAND_CENTER).exists()


def test_it_refuses_an_admin_role_for_a_business_account(users):
    with pytest.raises(ValidationError):
        do_assign_role(users["commander"], Role.SYSTEM_ADMIN, acting_user=users["secadmin"])
    assert not users["commander"].has_role(Role.SYSTEM_ADMIN)


def test_it_refuses_a_direct_save_of_a_business_role_on_an_admin(users):
    with pytest.raises(ValidationError):
        UserRole.objects.create(user=users["sysadmin"], role=Role.COMMAND_CENTER)


@pytest.mark.parametrize("target", ["secadmin", "auditadmin"])
def test_the_system_admin_cannot_deactivate_the_other_admins(users, target):
    with pytest.raises(ValidationError):
        do_set_active(users[target], False, acting_user=users["sysadmin"])
    assert User.objects.get(pk=users[target].pk).is_active
    response = client_for(users["sysadmin"]).post(f"/core/accounts/{users[target].pk}/deactivate/")
    assert response.status_code == 400
    assert "三员" in response.content.decode()
    assert User.objects.get(pk=users[target].pk).is_active


def test_a_command_may_still_deactivate_an_admin(users):
    do_set_active(users["auditadmin"], False, acting_user=SYSTEM)
    assert not User.objects.get(pk=users["auditadmin"].pk).is_active


def test_a_password_set_by_the_admin_must_be_changed_at_first_login(users, client):
    user = do_create_user("newcadre", division=users["village"].division, password=PASSWORD, full_name="王小明",
                          acting_user=users["sysadmin"])
    assert user.must_change_password
    assert client.post("/accounts/login/", {"username": "newcadre", "password": PASSWORD}).status_code == 302
    response = client.get("/screening/")
    assert response.status_code == 302 and response["Location"] == "/core/password/"
    assert client.get("/api/v1/screening/persons/").status_code == 403
    assert client.get("/core/password/").status_code == 200
    response = client.post("/core/password/", {"old_password": PASSWORD, "new_password": NEW_PASSWORD,
                                               "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password(NEW_PASSWORD)
    assert_audited(AuditAction.UPDATE, user, actor=user, verb="change_password")
    assert client.get("/").status_code == 200  # still logged in, no longer sent away


def test_a_reset_password_is_flagged_and_audited(users):
    grid = users["grid"]
    response = client_for(users["sysadmin"]).post(f"/core/accounts/{grid.pk}/password/", {"password": PASSWORD})
    assert response.status_code == 302
    grid.refresh_from_db()
    assert grid.must_change_password and grid.check_password(PASSWORD)
    assert_audited(AuditAction.UPDATE, grid, actor=users["sysadmin"], verb="reset_password")
    with pytest.raises(PermissionDenied):
        do_reset_password(grid, PASSWORD, acting_user=users["secadmin"])


def test_a_password_change_needs_the_old_password_and_a_chinese_reason(users, client):
    grid = users["grid"]
    do_reset_password(grid, PASSWORD, acting_user=users["sysadmin"])
    client.force_login(grid)
    response = client.post("/core/password/", {"old_password": "wrong-password", "new_password": NEW_PASSWORD,
                                               "new_password2": NEW_PASSWORD})
    assert response.status_code == 400 and "原密码不正确" in response.content.decode()
    response = client.post("/core/password/", {"old_password": PASSWORD, "new_password": NEW_PASSWORD,
                                               "new_password2": "different-one-123"})
    assert response.status_code == 400 and "不一致" in response.content.decode()
    assert User.objects.get(pk=grid.pk).must_change_password
    with pytest.raises(PermissionDenied):
        do_change_password(grid, PASSWORD, NEW_PASSWORD, acting_user=users["sysadmin"])


def test_every_user_reaches_the_password_page(users):
    for name in ("grid", "commander", "auditadmin"):
        assert client_for(users[name]).get("/core/password/").status_code == 200


def test_demo_accounts_created_by_the_system_are_not_flagged(users):
    user = do_create_user("seeded", division=Division.objects.first(), password=PASSWORD, acting_user=SYSTEM)
    assert not user.must_change_password
