"""Test mixins for the generic pages (core.views.generic), on top of `testkit.ViewTests`.

A model declared with `ModelPages` gets its whole page suite from one class::

    class TestHouseholdPages(PageTests.Full):
        model = Household
        user_in, user_out, user_none = "grid", "grid_other", "lab"
        def make_object(self): ...
        def create_data(self): ...
        def update_data(self, obj): ...

The URL names follow `core.views.generic.url_name` (`registry:household_list`, …), so the class
names none. `Full` runs, against the real pages: the list (scope, constant queries), the detail
(404 outside scope), create / edit / delete through the audited actions, a 403 for a role without
the permission on every page, and the list's export (masked, audited with its count).
`test_model_coverage` fails for a generic page without such a class.
"""

from __future__ import annotations

import io
from typing import Any, ClassVar

from django.urls import reverse

from .choices import AuditAction
from .testkit import ViewTests, assert_audited, client_for, last_audit_id
from .views.generic import url_name


class _Named(ViewTests.List):
    """Fills the URL names from the model (a class may still set them)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        model = cls.__dict__.get("model")
        if model is None:
            return
        for attr, kind in (("list_url_name", "list"), ("detail_url_name", "detail"), ("add_url_name", "add"),
                           ("edit_url_name", "edit"), ("delete_url_name", "delete")):
            if attr not in cls.__dict__:
                setattr(cls, attr, url_name(model, kind))


class PageTests:
    class Forbidden(_Named):
        """A role without the permission gets 403 on every page of the model (not a login page,
        not an empty list), and never sees a link to them in its menu."""

        forbidden_user: ClassVar[str] = ""  # default: `user_none`

        def test_it_answers_403_on_every_page_to_a_role_without_the_permission(self) -> None:
            user = self.user(self.forbidden_user or self.user_none)
            assert user is not None
            obj = self.make_object()
            client = client_for(user)
            names = [(self.list_url_name, [])]
            names += [(n, [obj.pk]) for n in (self.detail_url_name,)]
            for name, args in names:
                assert client.get(reverse(name, args=args)).status_code == 403, name
            from .navigation import menu_for

            links = {item["url"] for area in menu_for(user) for item in area["items"]}
            assert reverse(self.list_url_name) not in links

    class Export(_Named):
        """The list's export holds exactly the list's rows (so its scope), masked, with one audit
        row that records the count and the filter."""

        def test_it_exports_the_list_masked_and_audited_with_its_count(self) -> None:
            from openpyxl import load_workbook

            self.make_object()
            for user in [u for u in self.users_for("view")[:2] if u is not None]:  # None: reference data
                client, url = client_for(user), reverse(self.list_url_name)
                listed = client.get(url, self.list_params()).context["paginator"].count
                before = last_audit_id()
                response = client.get(url, {**self.list_params(), "export": "xlsx"})
                assert response.status_code == 200
                rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))[1:]
                assert len(rows) == listed
                row = assert_audited(AuditAction.EXPORT, actor=user, id__gt=before)
                assert row.changes["count"] == listed and row.changes["full_pii"] is False
                assert row.changes["filter"] == {k: v for k, v in self.list_params().items() if v}

    class Full(Forbidden, Export, ViewTests.Detail, ViewTests.Create, ViewTests.Edit, ViewTests.Delete):
        """Every page of a model declared with `ModelPages`."""
