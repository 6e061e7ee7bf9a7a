"""`ViewTests`: a model's pages (list, detail, create, edit, delete), each named by its URL."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .. import audit
from ..choices import AuditAction, AuditSource
from ..models import User
from .asserts import assert_audited, assert_not_audited, fresh_snapshot, last_audit_id
from .scope_tests import ModelTestCase
from .users import client_for


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
            if user_out is None:  # reference data, in everyone's scope: an anonymous visit is refused
                assert response.status_code in (302, 403)
            else:
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
            row = assert_audited(AuditAction.CREATE, obj, actor=user_in, source=AuditSource.WEB)
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
            row = assert_audited(AuditAction.UPDATE, obj, actor=user_in, source=AuditSource.WEB)
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
            row = assert_audited(AuditAction.DELETE, obj, actor=user_in, source=AuditSource.WEB)
            assert row.changes == audit.diff(before, {})
