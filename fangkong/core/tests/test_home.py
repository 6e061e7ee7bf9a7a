"""Home page and navigation by area, by role; login in Chinese; Argon2 hashes."""

from fangkong.core.accounts import do_create_user
from fangkong.core.actions import SYSTEM
from fangkong.core.testkit import client_for


def _links(page):
    return {item["url"] for area in page.context["nav_menu"] for item in area["items"]}


def test_each_role_sees_its_own_areas(users):
    grid = _links(client_for(users["grid"]).get("/"))
    assert "/registry/search/" in grid and "/core/audit/" not in grid and "/core/accounts/" not in grid
    auditadmin = _links(client_for(users["auditadmin"]).get("/"))
    assert {"/core/audit/", "/core/audit/admins/", "/core/accounts/"} <= auditadmin
    secadmin = _links(client_for(users["secadmin"]).get("/"))
    assert "/core/accounts/locked/" in secadmin and "/core/audit/" not in secadmin


def test_the_login_page_and_its_errors_are_chinese(db, client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert "<html lang=\"zh-hans\">" in page.content.decode() and "登录" in page.content.decode()
    failed = client.post("/accounts/login/", {"username": "grid", "password": "wrong-password"})
    assert "请输入一个正确的" in failed.content.decode()


def test_the_english_switch_translates_the_shell(users):
    client = client_for(users["grid"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/")
    assert "Workbench" in page.content.decode() and "Person search" in page.content.decode()
    assert "工作台" not in page.content.decode()


def test_passwords_are_hashed_with_argon2(db):
    user = do_create_user("hashcheck", division=None, password="Qz7!long-enough-pw", full_name="测试",
                          acting_user=SYSTEM)
    assert user.password.startswith("argon2$")
