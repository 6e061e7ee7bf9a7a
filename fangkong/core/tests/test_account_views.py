"""Account pages: who may press which button, and every change audited."""

from fangkong.core.choices import AuditAction, Role
from fangkong.core.models import AuditLog, Division, User
from fangkong.core.testkit import assert_audited, assert_not_audited, client_for, last_audit_id


def test_it_lets_only_the_three_admins_in(users):
    for name in ("sysadmin", "secadmin", "auditadmin"):
        assert client_for(users[name]).get("/core/accounts/").status_code == 200
    for name in ("commander", "auditor", "grid"):
        assert client_for(users[name]).get("/core/accounts/").status_code == 403


def test_the_system_admin_creates_and_deactivates_the_security_admin_moves(users):
    client = client_for(users["sysadmin"])
    village = users["village"].division
    response = client.post("/core/accounts/new/", {
        "username": "newcadre", "full_name": "王小明", "division": village.pk, "password": "Qz7!long-enough-pw",
    })
    assert response.status_code == 302
    account = User.objects.get(username="newcadre")
    assert account.division == village and not account.role_names
    assert_audited(AuditAction.CREATE, account, actor=users["sysadmin"], verb="create_user")
    grid = Division.objects.filter(parent=village, level="grid").first()
    assert account.must_change_password  # the system admin knows it: changed at first login
    client_for(users["secadmin"]).post(f"/core/accounts/{account.pk}/division/", {"division": grid.pk})
    client.post(f"/core/accounts/{account.pk}/deactivate/")
    account.refresh_from_db()
    assert account.division == grid and not account.is_active
    assert_audited(AuditAction.UPDATE, account, actor=users["sysadmin"], verb="deactivate_user")


def test_the_system_admin_gets_a_chinese_error_for_a_taken_name(users):
    response = client_for(users["sysadmin"]).post("/core/accounts/new/", {
        "username": "grid", "full_name": "x", "division": users["grid"].division_id, "password": "Qz7!long-enough-pw",
    })
    assert response.status_code == 400
    assert "用户名已存在" in response.content.decode()


def test_the_system_admin_cannot_give_roles_and_the_security_admin_cannot_create(users):
    grid = users["grid"]
    assert client_for(users["sysadmin"]).post(f"/core/accounts/{grid.pk}/assign/", {"role": "cdc"}).status_code == 403
    assert client_for(users["secadmin"]).get("/core/accounts/new/").status_code == 403
    assert client_for(users["secadmin"]).post(f"/core/accounts/{grid.pk}/deactivate/").status_code == 403
    assert not grid.has_role(Role.CDC) and User.objects.get(pk=grid.pk).is_active


def test_the_security_admin_gives_roles_but_not_two_admin_roles(users):
    client = client_for(users["secadmin"])
    grid = users["grid"]
    assert client.post(f"/core/accounts/{grid.pk}/assign/", {"role": "reviewer", "module": "big_data"}).status_code == 302
    assert User.objects.get(pk=grid.pk).modules == {"big_data": frozenset({"reviewer"})}
    sysadmin = users["sysadmin"]
    response = client.post(f"/core/accounts/{sysadmin.pk}/assign/", {"role": "audit_admin"})
    assert response.status_code == 400
    assert "三员" in response.content.decode()
    assert User.objects.get(pk=sysadmin.pk).role_names == {"system_admin"}


def test_the_audit_admin_sees_what_the_other_two_did(users):
    client_for(users["secadmin"]).post(f"/core/accounts/{users['grid'].pk}/assign/", {"role": "cdc"})
    client_for(users["sysadmin"]).post(f"/core/accounts/{users['grid'].pk}/deactivate/")
    client_for(users["commander"]).get("/registry/search/", {"q": "zhang"})
    page = client_for(users["auditadmin"]).get("/core/audit/admins/")
    assert page.status_code == 200
    rows = list(page.context["object_list"])
    assert {r.verb for r in rows} >= {"assign_role", "deactivate_user"}
    assert {r.actor_label for r in rows} <= {"sysadmin", "secadmin"}
    assert client_for(users["auditor"]).get("/core/audit/admins/").status_code == 200
    assert client_for(users["sysadmin"]).get("/core/audit/admins/").status_code == 403


def test_the_django_admin_cannot_touch_the_audit_log(users, admin_client):
    assert admin_client.get("/admin/core/auditlog/").status_code == 404
    before = AuditLog.objects.count()
    assert admin_client.get("/admin/core/user/").status_code == 200
    assert AuditLog.objects.count() == before


def test_it_keeps_the_django_admin_read_only_for_accounts_and_roles(users, admin_client):
    """A superuser outside 三员分立 may read accounts in the admin but change nothing there."""
    grid = users["grid"]
    assert admin_client.get(f"/admin/core/user/{grid.pk}/change/").status_code == 200
    data = {
        "username": grid.username, "full_name": "改名", "phone": grid.phone, "organisation": "",
        "division": grid.division_id, "is_active": "",
        "roles-TOTAL_FORMS": "2", "roles-INITIAL_FORMS": "1", "roles-MIN_NUM_FORMS": "0", "roles-MAX_NUM_FORMS": "1000",
        "roles-0-id": grid.roles.get().pk, "roles-0-user": grid.pk, "roles-0-role": "grid_worker", "roles-0-module": "",
        "roles-1-id": "", "roles-1-user": grid.pk, "roles-1-role": "cdc", "roles-1-module": "",
    }
    before = last_audit_id()
    assert admin_client.post(f"/admin/core/user/{grid.pk}/change/", data).status_code == 403
    assert admin_client.post(f"/admin/core/user/{grid.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.get("/admin/core/user/add/").status_code == 403
    stored = User.objects.get(pk=grid.pk)
    assert (stored.full_name, stored.is_active, stored.role_names) == (grid.full_name, True, {"grid_worker"})
    assert_not_audited(before)


def test_the_list_keeps_its_query_count(users, django_assert_max_num_queries):
    client = client_for(users["secadmin"])
    # Session, user, roles, division, count, locks, badge, page, roles of the page: no query per row.
    with django_assert_max_num_queries(13):
        page = client.get("/core/accounts/")
    assert len(page.context["object_list"]) >= 30
