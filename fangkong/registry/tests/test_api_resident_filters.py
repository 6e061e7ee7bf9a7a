"""Filters of /api/residents/: division subtree by code, status, name / initials search; and
token authentication as systems use it."""

from __future__ import annotations

from fangkong.core.testkit import api_client_for
from fangkong.registry.models import Resident


def _ids(client, **params) -> set[int]:
    ids: set[int] = set()
    for page in range(1, 20):
        response = client.get("/api/residents/", {"page_size": 500, "page": page, **params})
        assert response.status_code == 200, response.content[:300]
        ids |= {r["id"] for r in response.json()["results"]}
        if not response.json()["next"]:
            return ids
    raise AssertionError("too many pages")


def test_it_filters_by_division_code_subtree(users):
    commander = api_client_for(users["commander"])
    village = users["village"].division
    assert _ids(commander, division=village.code) == set(
        Resident.objects.filter(grid__path__startswith=village.path).values_list("id", flat=True))
    grid = village.children.first()
    assert _ids(commander, division=grid.code) == set(Resident.objects.filter(grid=grid).values_list("id", flat=True))


def test_a_division_filter_never_widens_the_scope(users):
    """A grid worker asking for another village's code gets nothing, not that village."""
    other = users["village_other"].division
    assert _ids(api_client_for(users["grid"]), division=other.code) == set()


def test_it_rejects_an_unknown_division_code(users):
    response = api_client_for(users["commander"]).get("/api/residents/", {"division": "999999999999"})
    assert response.status_code == 400
    assert "division" in response.json()


def test_it_filters_by_several_statuses(users):
    client = api_client_for(users["village"])
    scope = Resident.objects.restrict(users["village"])
    expected = set(scope.filter(status__in=["away", "deceased"]).values_list("id", flat=True))
    assert expected
    assert _ids(client, status=["away", "deceased"]) == expected


def test_it_searches_by_name_and_initials(users):
    resident = Resident.objects.restrict(users["grid"]).first()
    client = api_client_for(users["grid"])
    assert resident.pk in _ids(client, q=resident.name)
    by_initials = _ids(client, q=resident.name_initials)
    assert resident.pk in by_initials
    assert all(r.name_initials == resident.name_initials or r.name_pinyin.startswith(resident.name_initials)
               for r in Resident.objects.filter(pk__in=by_initials))


def test_token_auth_works_and_bad_tokens_are_refused(users):
    assert api_client_for(users["grid"]).get("/api/residents/").status_code == 200
    assert api_client_for(None).get("/api/residents/").status_code == 401
    client = api_client_for(None)
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/residents/").status_code == 401


def test_the_api_scopes_exactly_like_the_search_page(users):
    """The same user, the same query: the same residents through the page and the API."""
    from fangkong.core.testkit import client_for, page_object_ids

    resident = Resident.objects.restrict(users["village"]).first()
    surname = resident.name[0]
    for user in (users["village"], users["grid"], users["village_other"]):
        page = client_for(user).get("/registry/search/", {"q": surname})
        api = _ids(api_client_for(user), q=surname)
        expected = set(Resident.objects.restrict(user).filter(name__startswith=surname).values_list("id", flat=True))
        assert api == expected
        assert set(page_object_ids(page)) <= expected and len(page_object_ids(page)) == min(50, len(expected))
