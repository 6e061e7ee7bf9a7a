"""The action layer: every state change of the platform is a `do_*` function built on this.

The contract, in Zulip's manner (`zerver/actions/`):

- `do_x(obj, …, *, acting_user)`: the acting user is keyword-only and required. Background
  jobs, signal receivers, imports run from the command line and the public self-report pass
  `SYSTEM`; `None` is an error (`MissingActor`), never a skipped check.
- `@action` runs the function in a transaction with `acting_user` as the audit actor, so the
  audit rows it writes name who acted whatever called it (page, API, import, job).
- `require` / `require_role` are the one permission check. They fail closed: a user without
  the role, outside the scope, inactive or anonymous gets `PermissionDenied`; only `SYSTEM`
  passes unconditionally.

`do_create` / `do_update` / `do_delete` are the generic actions for models without business
rules of their own; they check scope before and after the write (NetBox's ObjectEditView.post).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from . import audit
from .choices import AuditAction
from .scoping import ADD, CHANGE, DELETE, user_may

if TYPE_CHECKING:
    from .models import User

M = TypeVar("M", bound=models.Model)
F = TypeVar("F", bound=Callable[..., Any])

OUT_OF_SCOPE = _("超出您的管辖范围或没有此权限")


class SystemActor:
    """The platform acting on its own (jobs, receivers, commands, the public self-report).

    It passes every permission check and is written to the audit log as "system"; a job that
    acts for a user passes that user instead, so that the user's scope applies.
    """

    is_authenticated = False
    is_active = True
    pk = None
    username = "system"

    def __repr__(self) -> str:
        return "SYSTEM"

    def __bool__(self) -> bool:  # `if acting_user:` must not be mistaken for "a user"
        return False


SYSTEM = SystemActor()


class MissingActor(TypeError):
    """An action was called without an acting user: pass the user, or `SYSTEM` for the platform."""


def is_system(acting_user: Any) -> bool:
    return acting_user is SYSTEM


def _check_actor(acting_user: Any) -> None:
    if acting_user is None:
        raise MissingActor("acting_user is required: pass the user, or core.actions.SYSTEM")
    if acting_user is not SYSTEM and not hasattr(acting_user, "role_names"):
        raise MissingActor(f"acting_user must be a User or SYSTEM, not {type(acting_user).__name__}")


def action(fn: F) -> F:
    """Mark `fn` as an action: `acting_user` checked, one transaction, the audit actor set.

    The wrapped function must take `acting_user` as a keyword-only parameter without default
    (checked here, at import, and by the structural test).
    """
    param = inspect.signature(fn).parameters.get("acting_user")
    if param is None or param.kind is not inspect.Parameter.KEYWORD_ONLY or param.default is not param.empty:
        raise TypeError(f"{fn.__qualname__}: an action takes a required keyword-only `acting_user`")

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        acting_user = kwargs.get("acting_user")
        _check_actor(acting_user)
        with transaction.atomic(), audit.audit_context(actor=acting_user):
            return fn(*args, **kwargs)

    wrapper.is_action = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def require(acting_user: User | SystemActor | None, target: models.Model | type[models.Model],
            action_name: str = CHANGE) -> None:
    """The one permission check: `acting_user` may `action_name` on `target` (an object or,
    for creating, a model class). Fails closed; SYSTEM passes."""
    _check_actor(acting_user)
    if acting_user is SYSTEM:
        return
    user: Any = acting_user
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied(OUT_OF_SCOPE)
    model = target if isinstance(target, type) else type(target)
    manager = model._default_manager
    if not hasattr(manager, "restrict"):
        raise PermissionDenied(OUT_OF_SCOPE)  # unscoped models are changed by the system only
    if isinstance(target, type):
        if not user_may(model, user, action_name):
            raise PermissionDenied(OUT_OF_SCOPE)
        return
    if not manager.restrict(user, action_name).filter(pk=target.pk).exists():
        raise PermissionDenied(OUT_OF_SCOPE)


def require_role(acting_user: User | SystemActor | None, *roles: str) -> None:
    """`acting_user` holds one of `roles` (or is SYSTEM); for actions no model scope decides."""
    _check_actor(acting_user)
    if acting_user is SYSTEM:
        return
    user: Any = acting_user
    if not user.is_authenticated or not user.is_active or not (user.role_names & set(roles)):
        raise PermissionDenied(_("您没有此项操作的权限"))


def may(acting_user: Any, target: models.Model | type[models.Model], action_name: str = CHANGE) -> bool:
    """`require` as a boolean, for showing or hiding a button."""
    try:
        require(acting_user, target, action_name)
    except (PermissionDenied, MissingActor):
        return False
    return True


@action
def do_create(model: type[M], *, acting_user: Any, verb: str = "", full_clean: bool = True, **fields: Any) -> M:
    obj = model(**fields)
    if full_clean:
        obj.full_clean()
    obj.save()
    require(acting_user, obj, ADD)  # after the write: the new row must lie in the user's scope
    audit.record(AuditAction.CREATE, obj, verb=verb, changes=audit.diff({}, audit.snapshot(obj)))
    return obj


@action
def do_update(obj: M, *, acting_user: Any, verb: str = "", full_clean: bool = True, **fields: Any) -> M:
    require(acting_user, obj, CHANGE)
    # The stored row, not `obj`: a ModelForm has already written the new values into
    # its instance while validating, which would leave nothing to audit.
    stored = type(obj)._base_manager.filter(pk=obj.pk).first()
    before = audit.snapshot(stored if stored is not None else obj)
    for name, value in fields.items():
        setattr(obj, name, value)
    if full_clean:
        obj.full_clean()
    obj.save()
    require(acting_user, obj, CHANGE)
    changes = audit.diff(before, audit.snapshot(obj))
    if changes:
        audit.record(AuditAction.UPDATE, obj, verb=verb, changes=changes)
    return obj


@action
def do_delete(obj: models.Model, *, acting_user: Any, verb: str = "") -> None:
    """Delete `obj`, audited with its old values — and so is what the database does with it:
    each row whose link to it is cleared (SET_NULL: a household's members) or which is deleted
    with it (CASCADE) gets its own audit row."""
    from django.db.models import ProtectedError, RestrictedError

    require(acting_user, obj, DELETE)
    before = audit.snapshot(obj)
    try:
        _audit_side_effects(obj)  # finds, as Django's delete would, what still refers to it
    except (ProtectedError, RestrictedError) as exc:
        blocking = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", ())
        users = sorted({str(o._meta.verbose_name) for o in blocking})
        raise ValidationError(_("仍有%(what)s引用该记录，不能删除") % {"what": "、".join(users) or _("其他数据")}) from None
    audit.record(AuditAction.DELETE, obj, verb=verb, changes=audit.diff(before, {}) or {"deleted": before})
    obj.delete()


def _audit_side_effects(obj: models.Model) -> None:
    """Audit rows for what deleting `obj` changes elsewhere, found as Django's delete finds it."""
    from django.db import router
    from django.db.models.deletion import Collector

    collector = Collector(using=router.db_for_write(obj.__class__, instance=obj))
    collector.collect([obj])
    for (field, value), groups in collector.field_updates.items():
        for group in groups:
            cleared = [o for o in group if getattr(o, field.attname) != value]
            audit.record_many(AuditAction.UPDATE, cleared, changes_of=lambda o, f=field, v=value: {
                f.attname: [audit.snapshot(o)[f.attname], v]})
    deleted = [o for instances in collector.data.values() for o in instances if o is not obj]
    deleted += [o for qs in collector.fast_deletes for o in qs]
    by_model: dict[type, list[models.Model]] = {}
    for o in deleted:
        by_model.setdefault(type(o), []).append(o)
    for objs in by_model.values():
        audit.record_many(AuditAction.DELETE, objs, changes_of=lambda o: {"deleted": audit.snapshot(o)})
