import pytest
from django.contrib.auth.models import AnonymousUser

from fangkong.core.choices import Role
from fangkong.core.models import Division, UserRole
from fangkong.core.scoping import user_may
from fangkong.core.testkit import client_for, make_user
from fangkong.registry.models import Resident


def test_it_lists_descendants_in_one_query(county, django_assert_num_queries):
    with django_assert_num_queries(1):
        kinds = set(county.descendants().values_list("level", flat=True))
    assert kinds == {"township", "village", "grid"}


def test_it_knows_a_grids_ancestors(county):
    grid = Division.objects.filter(level="grid").first()
    assert [d.level for d in grid.ancestors()] == ["county", "township", "village"]


def test_a_village_cadre_sees_only_their_village(users):
    cadre = users["village"]
    visible = Resident.objects.restrict(cadre)
    assert visible.exists()
    assert not visible.exclude(grid__path__startswith=cadre.division.path).exists()
    other = Resident.objects.filter(grid__path__startswith=users["village_other"].division.path).first()
    assert not visible.filter(pk=other.pk).exists()


def test_a_lab_sees_no_registry(users):
    assert not Resident.objects.restrict(users["lab"]).exists()


def test_search_and_api_are_scoped(users):
    other = Resident.objects.filter(grid=users["grid_other"].division).exclude(phone="").first()
    client = client_for(users["grid"])
    page = client.get("/registry/search/", {"q": other.phone})
    assert page.status_code == 200
    assert other.name not in page.content.decode()
    api = client.get("/api/residents/", {"phone": other.phone})
    assert api.json()["count"] == 0
    own = client_for(users["grid_other"]).get("/api/residents/", {"phone": other.phone})
    assert own.json()["count"] >= 1

# --- the restrict rule, role by role and edge by edge ---------------------------------------



@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", ["view", "add", "change", "delete"])
def test_it_restricts_each_role_to_its_actions_and_division(county, users, role, action):
    village = users["village"].division
    user = make_user(f"r_{role}_{action}", village, role, module="big_data" if role in (
        Role.MODULE_LEAD, Role.MODULE_ADMIN, Role.REVIEWER) else "")
    visible = Resident.objects.restrict(user, action)
    if role in Resident.scope_roles.get(action, ()):
        assert visible.exists()
        assert not visible.exclude(grid__path__startswith=village.path).exists()
        assert visible.count() == Resident.objects.filter(grid__path__startswith=village.path).count()
    else:
        assert not visible.exists()
        assert not user_may(Resident, user, action)


def test_it_shows_nothing_to_the_anonymous_inactive_roleless_and_placeless(users):
    assert not Resident.objects.restrict(None).exists()
    assert not Resident.objects.restrict(AnonymousUser()).exists()
    inactive = make_user("inactive_cadre", users["village"].division, Role.VILLAGE_CADRE)
    inactive.is_active = False
    assert not Resident.objects.restrict(inactive).exists()
    assert not Resident.objects.restrict(make_user("roleless", users["village"].division)).exists()
    assert not Resident.objects.restrict(make_user("placeless", None, Role.COMMAND_CENTER)).exists()
    stale = make_user("stale_role", users["village"].division)
    UserRole.objects.bulk_create([UserRole(user=stale, role="abolished_role")])  # a role since removed
    assert not Resident.objects.restrict(stale).exists()


def test_a_county_user_sees_the_whole_county(users, county):
    assert Resident.objects.restrict(users["commander"]).count() == Resident.objects.count()


def test_it_refuses_an_unknown_action(users):
    with pytest.raises(ValueError):
        Resident.objects.restrict(users["grid"], "edit")


def test_scope_refine_narrows_only_for_users_who_passed(users, monkeypatch):
    calls = []

    def refine(cls, qs, user, action):
        calls.append((user.username, action))
        return qs.filter(status="away")

    monkeypatch.setattr(Resident, "scope_refine", classmethod(refine))
    visible = Resident.objects.restrict(users["village"])
    assert visible.exists() and not visible.exclude(status="away").exists()
    assert not visible.exclude(grid__path__startswith=users["village"].division.path).exists()
    assert not Resident.objects.restrict(users["lab"]).exists()
    assert calls == [("village", "view")]


def test_unrestricted_roles_see_every_division(users, monkeypatch):
    monkeypatch.setattr(Resident, "scope_unrestricted_roles", frozenset({Role.CDC}))
    cdc_in_a_village = make_user("cdc_village", users["village"].division, Role.CDC)
    assert Resident.objects.restrict(cdc_in_a_village).count() == Resident.objects.count()
    assert Resident.objects.restrict(users["village"]).count() < Resident.objects.count()


def test_is_in_scope_answers_per_object(users):
    own = Resident.objects.filter(grid=users["grid"].division).first()
    assert own.is_in_scope(users["grid"])
    assert not own.is_in_scope(users["grid_other"])
    assert not own.is_in_scope(users["grid"], "delete")
