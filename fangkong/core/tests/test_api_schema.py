"""/api/schema/: generated without warnings, valid OpenAPI, served to logged-in users."""

from __future__ import annotations

import io

from django.core.management import call_command

from fangkong.core.testing import api_client_for, api_schema


def test_it_generates_the_schema_without_warnings(db):
    out = io.StringIO()
    # --fail-on-warn raises on any warning (an untyped path, an unresolved authenticator …).
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out)
    assert '"openapi": "3.1.0"' in out.getvalue()


def test_it_serves_the_schema_and_documents_token_auth(users):
    response = api_client_for(users["grid"]).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    doc = api_schema()
    assert "tokenAuth" in doc["components"]["securitySchemes"]
    assert {"/api/residents/", "/api/residents/{id}/", "/api/divisions/", "/api/batches/"} <= set(doc["paths"])


def test_every_list_is_paginated(db):
    doc = api_schema()
    lists = [(p, op) for p, item in doc["paths"].items() for m, op in item.items()
             if m == "get" and op["operationId"].endswith("_list")]
    assert lists
    for path, op in lists:
        ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert ref.split("/")[-1].startswith("Paginated"), path
        assert any(p["name"] == "page_size" for p in op["parameters"]), path
