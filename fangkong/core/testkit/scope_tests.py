"""The data a model's tests supply (`ModelTestCase`) and `ScopeTests`: restrict() and the
audited actions of a model, without HTTP."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.core.exceptions import PermissionDenied
from django.db import models

from .. import audit
from ..actions import do_create, do_delete, do_update
from ..choices import AuditAction, AuditSource
from ..models import User
from .asserts import assert_audited, assert_not_audited, fresh_snapshot, last_audit_id
from .users import UserSpec, _serial, make_user


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
            with audit.audit_context(user_in, source=AuditSource.JOB):
                obj = do_create(self.model, acting_user=user_in, **self.create_fields())
            row = assert_audited(AuditAction.CREATE, obj, actor=user_in, source=AuditSource.JOB)
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
            with audit.audit_context(user_in, source=AuditSource.JOB):
                do_update(type(obj)._base_manager.get(pk=obj.pk), acting_user=user_in, **self.update_fields(obj))
            after = fresh_snapshot(obj)
            assert after != before
            row = assert_audited(AuditAction.UPDATE, obj, actor=user_in, source=AuditSource.JOB)
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
            with audit.audit_context(user_in, source=AuditSource.JOB):
                do_delete(type(obj)._base_manager.get(pk=obj.pk), acting_user=user_in)
            assert not self.model._base_manager.filter(pk=obj.pk).exists()
            row = assert_audited(AuditAction.DELETE, obj, actor=user_in, source=AuditSource.JOB)
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
