"""Every GET of the API, as the command centre, answers what the schema says: each list, and the
first objects of each list through its detail path (formats checked: date-time, time, date).
Seeded with what the #17 probe's schemathesis run tripped on: a batch the system imported (no
creator), a resident whose sex is unknown (""), a sampling site's opening hours (times of day)."""

from __future__ import annotations

import re

import pytest

from fangkong.core.testkit import api_client_for, api_schema, assert_matches_schema

pytestmark = pytest.mark.django_db


def _fill(path: str, pk: object) -> str:
    return re.sub(r"\{[^}]+\}", str(pk), path)


def _seed(county) -> None:
    import datetime as dt

    from fangkong.core.models import Batch
    from fangkong.registry.models import Resident
    from fangkong.testing.models import SamplingSite

    Batch.objects.create(kind="leads", division=county, created_by=None, status="done")
    Resident.objects.filter(pk=Resident.objects.order_by("pk").values("pk")[:1]).update(sex="")
    SamplingSite.objects.create(name="县医院采样点", division=county, opens_at=dt.time(8), closes_at=dt.time(17, 30))


def test_every_get_answers_as_its_schema_says(users, county):
    _seed(county)
    client = api_client_for(users["commander"])
    doc = api_schema()
    failures = []
    for path, item in sorted(doc["paths"].items()):
        if "get" not in item or path == "/api/schema/" or "{" in path:
            continue
        response = client.get(path)
        if response.status_code != 200:
            continue  # a summary that needs parameters (a board's dates): its own tests
        try:
            assert_matches_schema(response, path)
        except AssertionError as exc:
            failures.append(str(exc)[:400])
        results = response.json().get("results") if isinstance(response.json(), dict) else None
        detail = path + "{id}/"
        if results and detail in doc["paths"] and "get" in doc["paths"][detail] and "id" in results[0]:
            for obj in results[:20]:
                one = client.get(_fill(detail, obj["id"]))
                try:
                    assert_matches_schema(one, detail)
                except AssertionError as exc:
                    failures.append(str(exc)[:400])
                    break
    assert not failures, "\n".join(failures)


def test_the_verification_actions_document_their_own_bodies(db):
    paths = api_schema()["paths"]
    bodies = {verb: paths[f"/api/screening/verifications/{{id}}/{verb}/"]["post"]["requestBody"]["content"]
              ["application/json"]["schema"]["$ref"].split("/")[-1] for verb in ("attempt", "outcome", "review")}
    assert bodies == {"attempt": "AttemptInRequest", "outcome": "OutcomeInRequest", "review": "ReviewInRequest"}


def test_error_statuses_are_documented_and_answered_as_documented(users):
    client = api_client_for(users["commander"])
    missing = client.get("/api/residents/999999999/")
    assert missing.status_code == 404
    assert_matches_schema(missing, "/api/residents/{id}/")
    bad = client.post("/api/screening/verifications/999999999/attempt/", {"kind": "no-such-kind"}, format="json")
    assert bad.status_code == 400
    assert_matches_schema(bad, "/api/screening/verifications/{id}/attempt/", "post")
    bad_filter = client.get("/api/residents/", {"division": "not-a-code"})
    assert bad_filter.status_code == 400
    assert_matches_schema(bad_filter, "/api/residents/")
    refused = api_client_for(users["lab"]).post("/api/households/", {}, format="json")
    assert refused.status_code == 403
    assert_matches_schema(refused, "/api/households/", "post")
    doc = api_schema()
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if path != "/api/schema/" and "{" in path:
                assert "404" in op["responses"], (method, path)
            if path != "/api/schema/" and method in ("post", "put", "patch"):
                assert "400" in op["responses"], (method, path)
