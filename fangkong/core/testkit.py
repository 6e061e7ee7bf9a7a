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
against the OpenAPI schema) and `ViewTests` (the pages). ScopeTests need real users: None
would act as the system, which the actions let through.
`ScopeTests.Restrict` checks `restrict` for each action a model declares (`scope_actions`)
and that no undeclared action is granted: for rows only domain actions or jobs write.
`APITests.Actions` runs a viewset's POST actions (/measures/{id}/release/ …) the same way.

`fangkong/core/tests/test_model_coverage.py` fails for any ScopedModel without such a class.
Tests get data from the synthetic county (conftest.py builds it once per test database).
"""

from __future__ import annotations

import itertools
import json
from typing import Any, ClassVar

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from fangkong.registry.generator import named_users  # noqa: F401 — the named accounts, re-exported

from . import audit
from .actions import do_create, do_delete, do_update
from .choices import AuditAction
from .models import AuditLog, Division, User, UserRole

NAMED_USERS = (
    "commander", "cdc", "lab", "site", "regulator", "auditor", "sysadmin", "secadmin", "auditadmin",
    "township", "village", "grid", "grid_other", "village_other", "grid_neighbour",
)

UserSpec = str | tuple[str, str] | None
_serial = itertools.count(1)




def make_user(username: str, division: Division | None, *roles: str, module: str = "") -> User:
    """A fresh account with `roles` in `division` (for cases the named users do not cover)."""
    user = User.objects.create(username=username, division=division)
    UserRole.objects.bulk_create([UserRole(user=user, role=r, module=module) for r in roles])
    return user


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client_for(user: User | None) -> APIClient:
    """An API client authenticated the way systems are: `Authorization: Token …`."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def audit_rows(**filters: Any) -> list[AuditLog]:
    return list(AuditLog.objects.filter(**filters))


def assert_audited(action: str, obj: Any = None, actor: User | None = None, **filters: Any) -> AuditLog:
    qs = AuditLog.objects.filter(action=action, **filters)
    if obj is not None:
        qs = qs.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    if actor is not None:
        qs = qs.filter(actor=actor)
    row = qs.order_by("-id").first()
    assert row is not None, f"no audit row for {action} {obj!r} by {actor!r}"
    return row


def assert_not_audited(since_id: int, **filters: Any) -> None:
    rows = list(AuditLog.objects.filter(id__gt=since_id, **filters).values_list("action", "object_repr"))
    assert not rows, f"unexpected audit rows: {rows}"


def last_audit_id() -> int:
    return AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0


def fresh_snapshot(obj: models.Model) -> dict[str, Any]:
    return audit.snapshot(type(obj)._base_manager.get(pk=obj.pk))


# --- OpenAPI: responses are checked against the generated schema ---------------------------

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


# --- the data a model's tests supply -------------------------------------------------------


class ModelTestCase:
    """Base of every model test class: users, objects and data; no tests of its own."""

    model: ClassVar[type[models.Model]]
    user_in: ClassVar[UserSpec] = "grid"
    user_out: ClassVar[UserSpec] = "grid_other"
    user_none: ClassVar[UserSpec] = "lab"
    op_users: ClassVar[dict[str, tuple[UserSpec, UserSpec, UserSpec]]] = {}

    users: dict[str, User]

    @pytest.fixture(autouse=True)
    def _named_users(self, users: dict[str, User]) -> None:
        self.users = users
        self._made: dict[Any, User] = {}

    def make_object(self) -> models.Model:
        """One object inside `user_in`'s division and outside `user_out`'s."""
        raise NotImplementedError

    def create_data(self) -> dict[str, Any]:
        """Valid data for a new object inside `user_in`'s division."""
        raise NotImplementedError

    def update_data(self, obj: models.Model) -> dict[str, Any]:
        """A valid change of `obj`."""
        raise NotImplementedError

    # helpers
    def user(self, spec: UserSpec) -> User | None:
        if spec is None:
            return None
        if spec in self._made:
            return self._made[spec]
        if spec == "norole":
            user = make_user(f"norole{next(_serial)}", self.users["commander"].division)
        elif isinstance(spec, tuple):
            role, where = spec
            user = make_user(f"{role}{next(_serial)}", self.users[where].division, role)
        else:
            return self.users[spec]
        self._made[spec] = user
        return user

    def users_for(self, op: str) -> tuple[User | None, User | None, User | None]:
        specs = self.op_users.get(op, (self.user_in, self.user_out, self.user_none))
        return tuple(self.user(s) for s in specs)  # type: ignore[return-value]

    def count(self) -> int:
        return self.model._base_manager.count()

    def make_objects(self, n: int) -> list[models.Model]:
        return [self.make_object() for _ in range(n)]


def _refused(status: int) -> bool:
    return status in (401, 403)


# --- the model itself: restrict() and the audited actions, without HTTP ---------------------


class ScopeTests:
    """Mixins for a model's scope and audited actions (`restrict`, `do_create` / `do_update` /
    `do_delete` of core.actions), for every model, with or without pages and API. A model
    whose rows only a job writes (a roll-up table) needs only `ScopeTests.Read`."""

    class Read(ModelTestCase):
        def test_it_restricts_reads_to_the_scope(self) -> None:
            user_in, user_out, user_none = self.users_for("view")
            obj = self.make_object()
            manager = self.model.objects
            assert manager.restrict(user_in, "view").filter(pk=obj.pk).exists()
            assert not manager.restrict(user_out, "view").filter(pk=obj.pk).exists()
            assert not manager.restrict(user_none, "view").filter(pk=obj.pk).exists()

    class Create(ModelTestCase):
        def create_fields(self) -> dict[str, Any]:
            """Model field values (instances, not ids) of a new object inside `user_in`'s division."""
            raise NotImplementedError

        def test_it_creates_through_the_action_in_scope_only(self) -> None:
            user_in, user_out, user_none = self.users_for("add")
            before, audit_before = self.count(), last_audit_id()
            for refused in (user_out, user_none):
                with audit.audit_context(refused), pytest.raises(PermissionDenied):
                    do_create(self.model, acting_user=refused, **self.create_fields())
            assert self.count() == before
            assert_not_audited(audit_before, action=AuditAction.CREATE)
            with audit.audit_context(user_in, source="job"):
                obj = do_create(self.model, acting_user=user_in, **self.create_fields())
            row = assert_audited(AuditAction.CREATE, obj, actor=user_in, source="job")
            assert row.changes == audit.diff({}, fresh_snapshot(obj))

    class Update(ModelTestCase):
        def update_fields(self, obj: models.Model) -> dict[str, Any]:
            """Model field values of a valid change (defaults to `update_data`)."""
            return self.update_data(obj)

        def test_it_updates_through_the_action_in_scope_only(self) -> None:
            user_in, user_out, user_none = self.users_for("change")
            obj = self.make_object()
            before, audit_before = fresh_snapshot(obj), last_audit_id()
            for refused in (user_out, user_none):
                with audit.audit_context(refused), pytest.raises(PermissionDenied):
                    do_update(type(obj)._base_manager.get(pk=obj.pk), acting_user=refused, **self.update_fields(obj))
            assert fresh_snapshot(obj) == before
            assert_not_audited(audit_before, action=AuditAction.UPDATE)
            with audit.audit_context(user_in, source="job"):
                do_update(type(obj)._base_manager.get(pk=obj.pk), acting_user=user_in, **self.update_fields(obj))
            after = fresh_snapshot(obj)
            assert after != before
            row = assert_audited(AuditAction.UPDATE, obj, actor=user_in, source="job")
            assert row.changes == audit.diff(before, after)

    class Delete(ModelTestCase):
        def test_it_deletes_through_the_action_in_scope_only(self) -> None:
            user_in, user_out, user_none = self.users_for("delete")
            obj = self.make_object()
            before, audit_before = fresh_snapshot(obj), last_audit_id()
            for refused in (user_out, user_none):
                with audit.audit_context(refused), pytest.raises(PermissionDenied):
                    do_delete(type(obj)._base_manager.get(pk=obj.pk), acting_user=refused)
            assert self.model._base_manager.filter(pk=obj.pk).exists()
            assert_not_audited(audit_before, action=AuditAction.DELETE)
            with audit.audit_context(user_in, source="job"):
                do_delete(type(obj)._base_manager.get(pk=obj.pk), acting_user=user_in)
            assert not self.model._base_manager.filter(pk=obj.pk).exists()
            row = assert_audited(AuditAction.DELETE, obj, actor=user_in, source="job")
            assert row.changes == audit.diff(before, {})

    class Restrict(ModelTestCase):
        """`restrict` for every action the model has (`scope_actions`), each with its three
        users; and nothing for an action it does not declare (a roll-up table: "view" only)."""

        scope_actions: ClassVar[tuple[str, ...]] = ("view",)

        def test_it_restricts_each_declared_action_to_the_scope(self) -> None:
            obj = self.make_object()
            for action in self.scope_actions:
                user_in, user_out, user_none = self.users_for(action)
                qs = self.model.objects
                assert qs.restrict(user_in, action).filter(pk=obj.pk).exists(), f"{action}: in scope, not granted"
                assert not qs.restrict(user_out, action).filter(pk=obj.pk).exists(), f"{action}: out of scope, granted"
                assert not qs.restrict(user_none, action).filter(pk=obj.pk).exists(), f"{action}: no role, granted"
                assert not qs.restrict(None, action).exists(), f"{action}: anonymous, granted"

        def test_it_grants_no_undeclared_action(self) -> None:
            obj = self.make_object()
            undeclared = {"view", "add", "change", "delete"} - set(self.scope_actions)
            for action in sorted(undeclared):
                for spec in {s for specs in [(self.user_in, self.user_out, self.user_none),
                                             *self.op_users.values()] for s in specs}:
                    user = self.user(spec)
                    granted = self.model.objects.restrict(user, action).filter(pk=obj.pk).exists()
                    assert not granted, f"{action} is not declared, yet {spec!r} may do it"
                commander = self.users["commander"]
                assert not self.model.objects.restrict(commander, action).filter(pk=obj.pk).exists(), action

    class Full(Read, Create, Update, Delete):
        pass


# --- API -----------------------------------------------------------------------------------


class APITests:
    """Mixins for a model's API viewset, registered under `api_basename`."""

    class Base(ModelTestCase):
        api_basename: ClassVar[str]
        # `pii_user_masked` may view the model but not full ID numbers and phones (APITests.Pii).
        pii_user_masked: ClassVar[UserSpec] = "auditor"

        def list_url(self) -> str:
            return reverse(f"{self.api_basename}-list")

        def detail_url(self, obj: models.Model) -> str:
            return reverse(f"{self.api_basename}-detail", args=[obj.pk])

        def schema_path(self, detail: bool = False) -> str:
            if not detail:
                return self.list_url()
            return reverse(f"{self.api_basename}-detail", args=["0"]).replace("/0/", "/{id}/")

        def listed_ids(self, client: APIClient, params: dict | None = None, pages: int = 40) -> set[Any]:
            """Every id the list returns (following pages), checking each page against the schema."""
            ids: set[Any] = set()
            query = {"page_size": 500, **(params or {})}
            for page in range(1, pages + 1):
                response = client.get(self.list_url(), {**query, "page": page})
                assert response.status_code == 200, response.content[:300]
                assert_matches_schema(response, self.schema_path())
                body = response.json()
                ids |= {row["id"] for row in body["results"]}
                if not body["next"]:
                    return ids
            raise AssertionError(f"more than {pages} pages of 500 rows")

    class Get(Base):
        def test_it_gets_an_object_in_scope(self) -> None:
            user_in, _, _ = self.users_for("view")
            obj = self.make_object()
            response = api_client_for(user_in).get(self.detail_url(obj))
            assert response.status_code == 200, response.content[:300]
            assert response.json()["id"] == obj.pk
            assert_matches_schema(response, self.schema_path(detail=True))

        def test_it_hides_an_object_out_of_scope(self) -> None:
            _, user_out, _ = self.users_for("view")
            obj = self.make_object()
            status = api_client_for(user_out).get(self.detail_url(obj)).status_code
            # Reference data tied to no division has no "out of scope": such a class names
            # user_out = None, and the anonymous request is refused instead.
            assert status == 404 or (user_out is None and _refused(status)), status

        def test_it_refuses_a_user_without_permission(self) -> None:
            _, _, user_none = self.users_for("view")
            obj = self.make_object()
            status = api_client_for(user_none).get(self.detail_url(obj)).status_code
            assert _refused(status) or status == 404, status

    class List(Base):
        def test_it_lists_objects_in_scope_only(self) -> None:
            user_in, user_out, _ = self.users_for("view")
            obj = self.make_object()
            assert obj.pk in self.listed_ids(api_client_for(user_in))
            if user_out is None:  # reference data: see test_it_hides_an_object_out_of_scope
                assert _refused(api_client_for(None).get(self.list_url()).status_code)
            else:
                assert obj.pk not in self.listed_ids(api_client_for(user_out))

        def test_it_refuses_a_list_without_permission(self) -> None:
            _, _, user_none = self.users_for("view")
            self.make_object()
            response = api_client_for(user_none).get(self.list_url())
            assert _refused(response.status_code) or response.json()["count"] == 0

        def test_it_lists_in_constant_queries(self) -> None:
            user_in, _, _ = self.users_for("view")
            client = api_client_for(user_in)
            visible = client.get(self.list_url()).json()["count"]
            self.make_objects(max(0, 50 - visible))
            counts = {}
            for size in (5, 50):
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get(self.list_url(), {"page_size": size})
                assert len(response.json()["results"]) == size
                counts[size] = len(ctx.captured_queries)
            assert counts[5] == counts[50], f"queries grow with rows: {counts}"

    class Create(Base):
        def test_it_creates_in_scope_with_an_audit_row(self) -> None:
            user_in, _, _ = self.users_for("add")
            before = self.count()
            response = api_client_for(user_in).post(self.list_url(), self.create_data(), format="json")
            assert response.status_code == 201, response.content[:500]
            assert_matches_schema(response, self.schema_path(), "post")
            assert self.count() == before + 1
            obj = self.model._base_manager.get(pk=response.json()["id"])
            row = assert_audited(AuditAction.CREATE, obj, actor=user_in, source="api")
            assert row.changes == audit.diff({}, fresh_snapshot(obj))

        def test_it_refuses_to_create_out_of_scope(self) -> None:
            _, user_out, _ = self.users_for("add")
            before, audit_before = self.count(), last_audit_id()
            response = api_client_for(user_out).post(self.list_url(), self.create_data(), format="json")
            # user_out None: creating has no division to be outside of (see the Get mixin).
            assert response.status_code in (400, 403, 404) or (user_out is None and _refused(response.status_code))
            assert self.count() == before
            assert_not_audited(audit_before, action=AuditAction.CREATE)

        def test_it_refuses_to_create_without_permission(self) -> None:
            _, _, user_none = self.users_for("add")
            before, audit_before = self.count(), last_audit_id()
            response = api_client_for(user_none).post(self.list_url(), self.create_data(), format="json")
            assert _refused(response.status_code), response.status_code
            assert self.count() == before
            assert_not_audited(audit_before, action=AuditAction.CREATE)

    class Update(Base):
        def test_it_updates_in_scope_with_before_and_after(self) -> None:
            user_in, _, _ = self.users_for("change")
            obj = self.make_object()
            before = fresh_snapshot(obj)
            response = api_client_for(user_in).patch(self.detail_url(obj), self.update_data(obj), format="json")
            assert response.status_code == 200, response.content[:500]
            assert_matches_schema(response, self.schema_path(detail=True), "patch")
            after = fresh_snapshot(obj)
            assert after != before
            row = assert_audited(AuditAction.UPDATE, obj, actor=user_in, source="api")
            assert row.changes == audit.diff(before, after)

        def test_it_hides_an_object_out_of_scope_from_update(self) -> None:
            _, user_out, _ = self.users_for("change")
            obj = self.make_object()
            before, audit_before = fresh_snapshot(obj), last_audit_id()
            response = api_client_for(user_out).patch(self.detail_url(obj), self.update_data(obj), format="json")
            assert response.status_code == 404
            assert fresh_snapshot(obj) == before
            assert_not_audited(audit_before, action=AuditAction.UPDATE)

        def test_it_refuses_to_update_without_permission(self) -> None:
            _, _, user_none = self.users_for("change")
            obj = self.make_object()
            before, audit_before = fresh_snapshot(obj), last_audit_id()
            response = api_client_for(user_none).patch(self.detail_url(obj), self.update_data(obj), format="json")
            assert _refused(response.status_code) or response.status_code == 404, response.status_code
            assert fresh_snapshot(obj) == before
            assert_not_audited(audit_before, action=AuditAction.UPDATE)

    class Delete(Base):
        def test_it_deletes_in_scope_with_the_old_values(self) -> None:
            user_in, _, _ = self.users_for("delete")
            obj = self.make_object()
            before = fresh_snapshot(obj)
            response = api_client_for(user_in).delete(self.detail_url(obj))
            assert response.status_code == 204, response.content[:500]
            assert not self.model._base_manager.filter(pk=obj.pk).exists()
            row = assert_audited(AuditAction.DELETE, obj, actor=user_in, source="api")
            assert row.changes == audit.diff(before, {})

        def test_it_hides_an_object_out_of_scope_from_delete(self) -> None:
            _, user_out, _ = self.users_for("delete")
            obj = self.make_object()
            audit_before = last_audit_id()
            assert api_client_for(user_out).delete(self.detail_url(obj)).status_code == 404
            assert self.model._base_manager.filter(pk=obj.pk).exists()
            assert_not_audited(audit_before, action=AuditAction.DELETE)

        def test_it_refuses_to_delete_without_permission(self) -> None:
            _, _, user_none = self.users_for("delete")
            obj = self.make_object()
            audit_before = last_audit_id()
            status = api_client_for(user_none).delete(self.detail_url(obj)).status_code
            assert _refused(status) or status == 404, status
            assert self.model._base_manager.filter(pk=obj.pk).exists()
            assert_not_audited(audit_before, action=AuditAction.DELETE)

    class Pii(Base):
        """For a serializer with PiiSerializerMixin: masked by default, `?full_pii=1` only for
        permitted roles, every full view audited — in one bulk write for a whole list."""

        pii_fields: ClassVar[tuple[str, ...]] = ("id_number", "phone")

        def test_it_masks_personal_data_and_audits_a_full_view(self) -> None:
            user_in, _, _ = self.users_for("view")
            obj = self.make_object()
            full = {f: getattr(obj, f) for f in self.pii_fields if getattr(obj, f)}
            assert full, "make_object must fill the personal-data fields"
            client = api_client_for(user_in)
            before = last_audit_id()
            masked = client.get(self.detail_url(obj)).json()
            assert all(masked[f] != v and "*" in masked[f] for f, v in full.items())
            assert_not_audited(before, action=AuditAction.VIEW_PII)
            revealed = client.get(self.detail_url(obj), {"full_pii": "1"}).json()
            assert {f: revealed[f] for f in full} == full
            row = assert_audited(AuditAction.VIEW_PII, obj, actor=user_in, source="api")
            assert set(row.changes["fields"]) == set(full)
            # A role that may view but not see full values asks in vain, and nothing is audited.
            viewer = self.user(self.pii_user_masked)
            before = last_audit_id()
            response = api_client_for(viewer).get(self.detail_url(obj), {"full_pii": "1"})
            assert response.status_code == 200
            assert all(response.json()[f] != v for f, v in full.items())
            assert_not_audited(before, action=AuditAction.VIEW_PII)

        def test_it_audits_a_full_list_in_constant_queries(self) -> None:
            user_in, _, _ = self.users_for("view")
            client = api_client_for(user_in)
            self.make_objects(max(0, 50 - client.get(self.list_url()).json()["count"]))
            counts = {}
            for size in (5, 50):
                before = last_audit_id()
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get(self.list_url(), {"page_size": size, "full_pii": "1"})
                assert response.status_code == 200
                counts[size] = len(ctx.captured_queries)
                rows = AuditLog.objects.filter(id__gt=before, action=AuditAction.VIEW_PII, actor=user_in)
                assert rows.count() == size
            assert counts[5] == counts[50], f"queries grow with rows: {counts}"

    class Actions(Base):
        """The viewset's detail actions that change state (POST /<basename>/{id}/<action>/):
        each run in scope succeeds and writes audit rows by that user from the API; out of
        scope it answers 404, without the permission 403 (or 404), and nothing is written.

        `api_actions` names the actions (their url names, e.g. "check-in"); `action_data`
        gives each its body; `op_users[<action>]` may name the three users for one action.
        `test_model_coverage` requires every such action of every viewset to be listed."""

        api_actions: ClassVar[tuple[str, ...]] = ()

        def action_data(self, action: str, obj: models.Model) -> dict[str, Any]:
            return {}

        def action_url(self, action: str, obj: models.Model) -> str:
            return reverse(f"{self.api_basename}-{action}", args=[obj.pk])

        def test_it_runs_each_action_in_scope_with_an_audit_row(self) -> None:
            for action in self.api_actions:
                user_in, _, _ = self.users_for(action)
                obj = self.make_object()
                before = last_audit_id()
                response = api_client_for(user_in).post(self.action_url(action, obj),
                                                         self.action_data(action, obj), format="json")
                assert 200 <= response.status_code < 300, (action, response.status_code, response.content[:300])
                rows = AuditLog.objects.filter(id__gt=before, actor=user_in, source="api").exclude(
                    action=AuditAction.VIEW_PII)
                assert rows.exists(), f"{action}: no audit row by {user_in} from the API"

        def test_it_refuses_each_action_out_of_scope_or_without_permission(self) -> None:
            for action in self.api_actions:
                _, user_out, user_none = self.users_for(action)
                obj = self.make_object()
                before, audit_before = fresh_snapshot(obj), last_audit_id()
                url, data = self.action_url(action, obj), self.action_data(action, obj)
                status = api_client_for(user_out).post(url, data, format="json").status_code
                assert status == 404 or (user_out is None and _refused(status)), (action, "out of scope", status)
                status = api_client_for(user_none).post(url, data, format="json").status_code
                assert _refused(status) or status == 404, (action, "without permission", status)
                assert fresh_snapshot(obj) == before, action
                written = AuditLog.objects.filter(id__gt=audit_before).exclude(action=AuditAction.VIEW_PII)
                assert not written.exists(), (action, list(written.values_list("action", "object_repr")))

    class ReadOnly(Get, List):
        """A read-only endpoint: writes are not routed at all."""

        def test_it_does_not_accept_writes(self) -> None:
            user_in, _, _ = self.users_for("view")
            obj = self.make_object()
            client = api_client_for(user_in)
            before, audit_before = fresh_snapshot(obj), last_audit_id()
            assert client.post(self.list_url(), {}, format="json").status_code in (403, 405)
            assert client.patch(self.detail_url(obj), {}, format="json").status_code in (403, 405)
            assert client.delete(self.detail_url(obj)).status_code in (403, 405)
            assert fresh_snapshot(obj) == before
            assert_not_audited(audit_before, action__in=[AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE])

    class Full(Get, List, Create, Update, Delete):
        pass


# --- pages ---------------------------------------------------------------------------------


def page_object_ids(response: Any) -> list[Any]:
    """Primary keys of the objects a list page rendered (ListView's `object_list`)."""
    context = response.context
    assert context is not None, "the page rendered no template"
    rows = context.get("object_list")
    assert rows is not None, "the page has no object_list in its context"
    return [row.pk for row in rows]


class ViewTests:
    """Mixins for a model's pages; each names its URL (`<app>:<name>`)."""

    class List(ModelTestCase):
        list_url_name: ClassVar[str]

        def list_params(self) -> dict[str, str]:
            """GET parameters under which the list shows exactly the objects `make_object` made
            (e.g. a search for the name the factory gives them)."""
            return {}

        def get_list(self, user: User | None, **extra: str) -> Any:
            client = client_for(user) if user is not None else Client()
            return client.get(reverse(self.list_url_name), {**self.list_params(), **extra})

        def test_it_shows_objects_in_scope_only_on_the_list_page(self) -> None:
            user_in, user_out, user_none = self.users_for("view")
            obj = self.make_object()
            response = self.get_list(user_in)
            assert response.status_code == 200
            assert obj.pk in page_object_ids(response)
            response = self.get_list(user_out)
            assert response.status_code == 200
            assert obj.pk not in page_object_ids(response)
            response = self.get_list(user_none)
            assert response.status_code in (302, 403) or obj.pk not in page_object_ids(response)

        def test_it_renders_the_list_page_in_constant_queries(self) -> None:
            user_in, _, _ = self.users_for("view")
            client = client_for(user_in)
            url = reverse(self.list_url_name)
            self.make_objects(5)
            client.get(url, self.list_params())  # warm the session and caches
            counts = {}
            for total in (5, 50):
                self.make_objects(total - len(page_object_ids(client.get(url, self.list_params()))))
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get(url, self.list_params())
                assert len(page_object_ids(response)) == total
                counts[total] = len(ctx.captured_queries)
            assert counts[5] == counts[50], f"queries grow with rows: {counts}"

    class Detail(ModelTestCase):
        detail_url_name: ClassVar[str]

        def test_it_shows_an_object_in_scope_only(self) -> None:
            user_in, user_out, user_none = self.users_for("view")
            obj = self.make_object()
            url = reverse(self.detail_url_name, args=[obj.pk])
            assert client_for(user_in).get(url).status_code == 200
            assert client_for(user_out).get(url).status_code == 404
            status = (client_for(user_none) if user_none else Client()).get(url).status_code
            assert status in (302, 403, 404)

    class Create(ModelTestCase):
        add_url_name: ClassVar[str]

        def form_data(self) -> dict[str, Any]:
            return self.create_data()

        def test_it_creates_from_the_form_with_an_audit_row(self) -> None:
            user_in, user_out, user_none = self.users_for("add")
            url = reverse(self.add_url_name)
            before, audit_before = self.count(), last_audit_id()
            for refused in (user_out, user_none):
                response = (client_for(refused) if refused else Client()).post(url, self.form_data())
                assert response.status_code in (200, 302, 403, 404)  # 200: the form with its error
                assert self.count() == before
            assert_not_audited(audit_before, action=AuditAction.CREATE)
            response = client_for(user_in).post(url, self.form_data())
            assert response.status_code == 302, response.content[:500]
            assert self.count() == before + 1
            obj = self.model._base_manager.order_by("-pk").first()
            row = assert_audited(AuditAction.CREATE, obj, actor=user_in, source="web")
            assert row.changes == audit.diff({}, fresh_snapshot(obj))

    class Edit(ModelTestCase):
        edit_url_name: ClassVar[str]

        def edit_form_data(self, obj: models.Model) -> dict[str, Any]:
            return self.update_data(obj)

        def test_it_edits_from_the_form_with_before_and_after(self) -> None:
            user_in, user_out, user_none = self.users_for("change")
            obj = self.make_object()
            url = reverse(self.edit_url_name, args=[obj.pk])
            before, audit_before = fresh_snapshot(obj), last_audit_id()
            for refused in (user_out, user_none):
                response = (client_for(refused) if refused else Client()).post(url, self.edit_form_data(obj))
                assert response.status_code in (302, 403, 404)
            assert fresh_snapshot(obj) == before
            assert_not_audited(audit_before, action=AuditAction.UPDATE)
            response = client_for(user_in).post(url, self.edit_form_data(obj))
            assert response.status_code == 302, response.content[:500]
            after = fresh_snapshot(obj)
            row = assert_audited(AuditAction.UPDATE, obj, actor=user_in, source="web")
            assert row.changes == audit.diff(before, after)

    class Delete(ModelTestCase):
        delete_url_name: ClassVar[str]

        def test_it_deletes_from_the_page_with_the_old_values(self) -> None:
            user_in, user_out, user_none = self.users_for("delete")
            obj = self.make_object()
            url = reverse(self.delete_url_name, args=[obj.pk])
            before, audit_before = fresh_snapshot(obj), last_audit_id()
            for refused in (user_out, user_none):
                response = (client_for(refused) if refused else Client()).post(url)
                assert response.status_code in (302, 403, 404)
            assert self.model._base_manager.filter(pk=obj.pk).exists()
            assert_not_audited(audit_before, action=AuditAction.DELETE)
            assert client_for(user_in).post(url).status_code == 302
            assert not self.model._base_manager.filter(pk=obj.pk).exists()
            row = assert_audited(AuditAction.DELETE, obj, actor=user_in, source="web")
            assert row.changes == audit.diff(before, {})


# Real-browser tests: Debian's Chromium, never a downloaded one; the flags keep it off the
# network (this machine's closed network refuses Chromium's background connections).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


def launch_chromium(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def ensure_test_county() -> None:
    """Rebuild the test county after a live_server test flushed the database."""
    from conftest import TEST_POPULATION, TEST_SEED
    from fangkong.core.models import Division
    from fangkong.registry.generator import CountySpec, generate_county

    if not Division.objects.exists():
        generate_county(CountySpec(population=TEST_POPULATION, seed=TEST_SEED))
