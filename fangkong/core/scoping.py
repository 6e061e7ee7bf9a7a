"""The one place where querysets of personal data are restricted to a user.

Every model that holds personal or operational data inherits `ScopedModel` and declares
which field leads to its `Division` and which roles may do what. Views, the API, exports,
search and jobs acting for a user call `Model.objects.restrict(user, action)`; nothing
filters by division by hand (in the spirit of NetBox's `RestrictedQuerySet.restrict`).

The rule, in order: no user, an anonymous or inactive user → nothing; none of the user's
roles may do `action` on the model → nothing; the user has no division → nothing; otherwise
the rows whose division lies in the user's division subtree (all rows for the model's
`scope_unrestricted_roles`), narrowed further by the model's `scope_refine`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.db import models

if TYPE_CHECKING:
    from .models import Division, User

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
STANDARD_ACTIONS = frozenset({VIEW, ADD, CHANGE, DELETE})


def _check_action(model: type[models.Model], action: str) -> None:
    # A typo ("edit") would silently hide everything; fail loudly instead. Models may
    # declare their own actions (e.g. "verify") in scope_roles.
    if action not in STANDARD_ACTIONS and action not in getattr(model, "scope_roles", {}):
        raise ValueError(f"{model._meta.label}: unknown scope action {action!r}")


def user_may(model: type[ScopedModel], user: User | None, action: str = VIEW) -> bool:
    """Whether any of the user's roles may `action` some rows of `model` (before division scope).

    Views and the API answer 403 when this is false and 404 for a row outside the scope.
    """
    _check_action(model, action)
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.role_names & model.scope_roles.get(action, frozenset()))


def in_subtree(qs: models.QuerySet, field: str, division: Division) -> models.QuerySet:
    """Rows of `qs` whose `field` (a lookup path to a Division) lies in `division`'s subtree."""
    return qs.filter(**{f"{field}__path__startswith": division.path})


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user: User | None, action: str = VIEW) -> ScopedQuerySet:
        """Rows `user` may `action`: by role first, then by the user's division subtree."""
        model = self.model
        if not user_may(model, user, action):
            return self.none()
        assert user is not None  # for the type checker: user_may refused None
        division = user.division
        if division is None:
            return self.none()
        qs = self
        field = model.scope_division_field
        if field is not None and not (user.role_names & model.scope_unrestricted_roles):
            paths = [field, *(model.scope_view_also if action == VIEW else ())]
            inside = models.Q()
            for path in paths:
                inside |= models.Q(**{f"{path}__path__startswith": division.path})
            qs = qs.filter(inside)
        return model.scope_refine(qs, user, action)


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    pass


class ScopedModel(models.Model):
    """Base for every model whose rows belong to a division.

    `scope_division_field` is the lookup path to a Division foreign key ("grid",
    "person__grid"); None means the rows are not tied to a division (reference data).
    `scope_roles` maps an action to the roles that may perform it at all.
    """

    scope_division_field: ClassVar[str | None] = "division"
    scope_roles: ClassVar[dict[str, frozenset[str]]] = {}
    # Roles that see every row of the model regardless of division (e.g. the county CDC
    # working on a provincial contact list). Rarely needed.
    scope_unrestricted_roles: ClassVar[frozenset[str]] = frozenset()
    # Further division paths that let a user *see* a row (never change it): a transfer belongs
    # to the sending warehouse's division and is seen by the receiving one too.
    scope_view_also: ClassVar[tuple[str, ...]] = ()

    objects = ScopedManager()

    class Meta:
        abstract = True

    @classmethod
    def scope_refine(cls, qs: ScopedQuerySet, user: User, action: str) -> ScopedQuerySet:
        """Hook for a model-specific rule on top of division scope (e.g. screening modules).

        Called only for a user who passed the role and division checks; it may only narrow
        `qs` (filter), never widen it.
        """
        return qs

    def is_in_scope(self, user: User, action: str = VIEW) -> bool:
        return type(self).objects.restrict(user, action).filter(pk=self.pk).exists()


def roles(*names: Any) -> frozenset[str]:
    return frozenset(str(n) for n in names)
