"""Division browser: counts per township / village / grid, inside the user's scope."""

from fangkong.core.models import Division
from fangkong.core.testkit import client_for
from fangkong.registry.models import Household, Resident


def test_the_county_view_counts_every_township(users, county):
    page = client_for(users["commander"]).get("/registry/divisions/")
    children = page.context["children"]
    assert [d.level for d, _ in children] == ["township"] * len(children)
    assert sum(n["residents"] for _, n in children) == Resident.objects.count() == page.context["totals"]["residents"]
    assert sum(n["households"] for _, n in children) == Household.objects.count()


def test_a_village_cadre_sees_only_their_village_and_its_grids(users):
    client = client_for(users["village"])
    village = users["village"].division
    page = client.get("/registry/divisions/")
    assert page.context["current"] == village
    grids = page.context["children"]
    assert {d.parent_id for d, _ in grids} == {village.pk}
    for grid, n in grids:
        assert n["residents"] == Resident.objects.filter(grid=grid).count()
    assert page.context["ancestors"] == []
    assert client.get("/registry/divisions/", {"division": village.parent_id}).status_code == 404


def test_a_grid_worker_sees_their_grid(users):
    page = client_for(users["grid"]).get("/registry/divisions/")
    grid = users["grid"].division
    assert page.context["current"] == grid and page.context["children"] == []
    assert page.context["totals"]["residents"] == Resident.objects.filter(grid=grid).count()


def test_a_role_without_registry_access_sees_no_counts(users):
    page = client_for(users["lab"]).get("/registry/divisions/")
    assert page.context["totals"]["residents"] == 0
    assert Division.objects.filter(level="township").count() == len(page.context["children"])
