"""OpenAPI: responses are checked against the generated schema."""

from __future__ import annotations

import json
import re
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


# RFC 3339, as JSON Schema's "date-time" and "time" formats mean them (jsonschema checks neither
# without optional packages): a full time carries its offset.
_TIME = r"([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)"
_DATE_TIME = re.compile(rf"\d{{4}}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt ]{_TIME}")


def format_checker() -> Any:
    """jsonschema's format checker with "date-time" and "time" (RFC 3339) added."""
    from jsonschema import Draft202012Validator, FormatChecker

    checker = FormatChecker(formats=Draft202012Validator.FORMAT_CHECKER.checkers)
    checker.checks("date-time")(lambda v: not isinstance(v, str) or bool(_DATE_TIME.fullmatch(v)))
    checker.checks("time")(lambda v: not isinstance(v, str) or bool(re.fullmatch(_TIME, v)))
    return checker


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
    validator = Draft202012Validator(root, format_checker=format_checker())
    errors = sorted(validator.iter_errors(response.json()), key=lambda e: list(e.path))
    assert not errors, f"{method.upper()} {path}: " + "; ".join(
        f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:5]
    )
