"""/api/schema/: generated without warnings, valid OpenAPI, served to logged-in users."""

from __future__ import annotations

import io

from django.core.management import call_command

from fangkong.core.testkit import api_client_for, api_schema


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


def _resolve(schema: dict, doc: dict) -> tuple[str, dict]:
    """(component name or "", resolved schema) of a response schema that may be a $ref."""
    ref = schema.get("$ref", "")
    name = ref.split("/")[-1]
    return name, (doc["components"]["schemas"][name] if ref else schema)


def test_every_list_is_paginated(db):
    """Every GET that returns a collection pages it. A collection is what the schema says it is:
    an array, or a Paginated… envelope; a summary object (a board, a plan) is not a list."""
    doc = api_schema()
    gets = [(p, op) for p, item in doc["paths"].items() for m, op in item.items()
            if m == "get" and p != "/api/schema/"]
    lists = 0
    for path, op in gets:
        schema = op["responses"]["200"].get("content", {}).get("application/json", {}).get("schema", {})
        name, resolved = _resolve(schema, doc)
        assert resolved.get("type") != "array", f"{path} returns a bare array: paginate it"
        # drf-spectacular names a list view's operation "…_list"; it must be paginated too.
        if not name.startswith("Paginated") and not op["operationId"].endswith("_list"):
            assert resolved.get("type") == "object" and "results" not in resolved.get("properties", {}), path
            continue
        lists += 1
        assert name.startswith("Paginated"), f"{path} is a list without pagination"
        assert any(p["name"] == "page_size" for p in op["parameters"]), path
    assert lists, "no paginated list found: the schema is not what this test expects"
