"""`APITests`: a model's API viewset, token-authenticated, responses checked against the schema."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from .. import audit
from ..choices import AuditAction, AuditSource
from ..models import AuditLog
from .asserts import assert_audited, assert_not_audited, fresh_snapshot, last_audit_id
from .schema import assert_matches_schema
from .scope_tests import ModelTestCase, _refused
from .users import UserSpec, api_client_for


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
            row = assert_audited(AuditAction.CREATE, obj, actor=user_in, source=AuditSource.API)
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
            row = assert_audited(AuditAction.UPDATE, obj, actor=user_in, source=AuditSource.API)
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
            row = assert_audited(AuditAction.DELETE, obj, actor=user_in, source=AuditSource.API)
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
            row = assert_audited(AuditAction.VIEW_PII, obj, actor=user_in, source=AuditSource.API)
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
                rows = AuditLog.objects.filter(id__gt=before, actor=user_in, source=AuditSource.API).exclude(
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
