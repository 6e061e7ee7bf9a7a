"""OpenAPI: responses are checked against the generated schema."""

from __future__ import annotations

import json
from typing import Any

_schema_cache: dict[str, Any] = {}


def api_schema() -> dict[str, Any]:
    """The project's OpenAPI document as JSON (generated once per test process)."""
    if "doc" not in _schema_cache:
        from drf_spectacular.generators import SchemaGenerator
        from drf_spectacular.renderers import OpenApiJsonRenderer

        raw = SchemaGenerator().get_schema(request=None, public=True)
        _schema_cache["doc"] = json.loads(OpenApiJsonRenderer().render(raw))
    return _schema_cache["doc"]


def assert_matches_schema(response: Any, path: str, method: str = "get") -> None:
    """Validate a JSON response against the schema of `path` (as the OpenAPI document spells
    it, e.g. "/api/residents/{id}/") for its method and status code."""
    from jsonschema import Draft202012Validator

    doc = api_schema()
    operation = doc["paths"][path][method.lower()]
    spec = operation["responses"].get(str(response.status_code))
    assert spec is not None, f"{method.upper()} {path} → {response.status_code} is not documented"
    schema = spec.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        assert not response.content, f"{method.upper()} {path} returned a body the schema does not describe"
        return
    # $refs point at "#/components/…": give the response schema the document's components.
    root = {**schema, "components": doc["components"]}
    errors = sorted(Draft202012Validator(root).iter_errors(response.json()), key=lambda e: list(e.path))
    assert not errors, f"{method.upper()} {path}: " + "; ".join(
        f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:5]
    )
