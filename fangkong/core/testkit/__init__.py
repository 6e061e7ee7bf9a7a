"""Shared test helpers: named users, logged-in clients, audit assertions, and the test mixins
that give every model its create / read / update / delete, scoping, audit, query-count and
schema tests (in the spirit of NetBox's utilities/testing/api.py and views.py).

A model's test class only supplies data::

    class TestResidentAPI(APITests.Full):
        model = Resident
        api_basename = "resident"
        user_in, user_out, user_none = "grid", "grid_other", "lab"

        def make_object(self): ...            # one object inside user_in's division, outside user_out's
        def create_data(self): ...            # valid data for a new object inside user_in's division
        def update_data(self, obj): ...       # a valid change

and inherits, for each operation, a run as the permitted user in scope (success, with the
audit row and its before / after values), as a permitted user of another division (404 or
refused, nothing changed, nothing audited) and as a user without the permission (403).
A user is named by a key of `named_users()`, None (anonymous), "norole" (an account with a
division and no role) or `(role, named_user)`: a fresh account with that role in that named
user's division. `op_users = {"delete": (in, out, none)}` overrides the three for one operation.

Three families: `ScopeTests` (restrict() and the audited actions, no HTTP — every model,
roll-up tables included), `APITests` (the API viewset, token-authenticated, responses checked
against the OpenAPI schema) and `ViewTests` (the pages). ScopeTests need real users: an action
refuses None (MissingActor); only `core.actions.SYSTEM` is the platform acting on its own.
`ScopeTests.Restrict` checks `restrict` for each action a model declares (`scope_actions`)
and that no undeclared action is granted: for rows only domain actions or jobs write.
`APITests.Actions` runs a viewset's POST actions (/measures/{id}/release/ …) the same way.

The helpers live in modules by concern (users, asserts, schema, scope_tests, api_tests,
view_tests, browser, county); everything is importable from `fangkong.core.testkit`.

`fangkong/core/tests/test_model_coverage.py` fails for any ScopedModel without such a class.
Tests get data from the synthetic county (conftest.py builds it once per test database).
"""

from .api_tests import APITests
from .asserts import assert_audited, assert_not_audited, audit_rows, fresh_snapshot, last_audit_id
from .browser import CHROMIUM, CHROMIUM_ARGS, launch_chromium
from .county import ensure_test_county, named_users, register_test_county
from .schema import api_schema, assert_matches_schema
from .scope_tests import ModelTestCase, ScopeTests
from .users import NAMED_USERS, UserSpec, api_client_for, client_for, make_user
from .view_tests import ViewTests, page_object_ids

__all__ = [
    "APITests", "CHROMIUM", "CHROMIUM_ARGS", "NAMED_USERS", "ModelTestCase", "ScopeTests", "UserSpec", "ViewTests",
    "api_client_for", "api_schema", "assert_audited", "assert_matches_schema", "assert_not_audited", "audit_rows",
    "client_for", "ensure_test_county", "fresh_snapshot", "last_audit_id", "launch_chromium", "make_user",
    "named_users", "page_object_ids", "register_test_county",
]
