from fangkong.core.models import Division
from fangkong.core.testing import client_for
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
