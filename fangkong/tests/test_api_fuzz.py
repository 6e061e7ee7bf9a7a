"""Schema fuzzing (#17): schemathesis drives every operation of the live API as two users — the
county's command centre and a village cadre — and fails on any 5xx, any response the OpenAPI
schema does not describe (status, content type, body) and any row outside the caller's scope.

Bounded: FANGKONG_FUZZ_EXAMPLES examples per operation and user (default 4; each operation also
gets schemathesis' explicit examples). The coverage phase — some fifty boundary and invalid
inputs per operation, most of the time this test takes — runs as the command centre only (the
refusals it provokes are the same for every caller), and not at all with FANGKONG_FUZZ_COVERAGE=0. Every test runs in its own rolled-back transaction, so a
DELETE the fuzzer sends never reaches the next test."""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.urls import resolve
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from fangkong.wsgi import application

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FANGKONG_FUZZ_EXAMPLES", "4"))
CHECKS = (not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance)

# The schema is the one the server serves, fetched through the WSGI application itself: once
# with the coverage phase (as configured), once without.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
schema.config.phases.coverage.enabled = os.environ.get("FANGKONG_FUZZ_COVERAGE", "1") != "0"
valid_schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
valid_schema.config.phases.coverage.enabled = False
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go through the WSGI application itself, whose end-of-request signal closes the
    database connection — and with it the test's transaction (PostgreSQL). Django's test client
    keeps it the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _token_header(user: Any) -> dict[str, str]:
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}"}


def _out_of_scope(user: Any, path: str, body: Any) -> list[Any]:
    """Ids in a list or detail answer that the caller's scope (`Model.objects.restrict`) excludes."""
    view = getattr(resolve(path).func, "cls", None)
    queryset = getattr(view, "queryset", None)
    model = getattr(queryset, "model", None)
    if model is None or not hasattr(model.objects, "restrict"):
        return []
    rows = body.get("results") if isinstance(body, dict) and "results" in body else [body]
    ids = {row["id"] for row in rows if isinstance(row, dict) and "id" in row}
    if not ids:
        return []
    visible = set(model.objects.restrict(user, "view").filter(pk__in=ids).values_list("pk", flat=True))
    return sorted(ids - visible, key=str)


# The pytest parameter is what gives each operation's test its own node id (schemathesis' own
# "[GET /api/…]" suffix is not part of it under pytest 9.2): without it the scheduler would see
# one test per function.
@schema.parametrize()
@FUZZ
@pytest.mark.parametrize("username", ["commander"])
def test_the_api_answers_the_command_centre_within_its_schema_and_scope(case, users, username):
    _call_and_check(case, users[username])


@valid_schema.parametrize()
@FUZZ
@pytest.mark.parametrize("username", ["village"])
def test_the_api_answers_a_village_cadre_within_its_schema_and_scope(case, users, username):
    _call_and_check(case, users[username])


def _call_and_check(case: Any, user: Any) -> None:
    response = case.call(headers=_token_header(user))
    case.validate_response(response, checks=CHECKS)
    if case.method.upper() == "GET" and response.status_code == 200 and "json" in response.headers.get(
            "Content-Type", [""])[0]:
        leaked = _out_of_scope(user, case.formatted_path, response.json())
        assert not leaked, f"{case.method} {case.formatted_path} as {user.username}: rows outside scope {leaked}"


def test_the_scope_check_sees_a_row_outside_the_callers_village(users):
    """The check above is not vacuous: a resident of another village in an answer is reported."""
    from fangkong.registry.models import Resident

    village = users["village"]
    own = Resident.objects.restrict(village, "view").first()
    foreign = Resident.objects.exclude(pk__in=Resident.objects.restrict(village, "view").values("pk")).first()
    assert own is not None and foreign is not None
    body = {"count": 2, "results": [{"id": own.pk}, {"id": foreign.pk}]}
    assert _out_of_scope(village, "/api/residents/", body) == [foreign.pk]
    assert _out_of_scope(village, f"/api/residents/{own.pk}/", {"id": own.pk}) == []
