"""The test county: the data and named accounts every test database holds.

Core builds no county (it imports no app): the test configuration (the root conftest.py)
registers the builder and the named-accounts lookup of the app that generates it, and core's
helpers and mixins reach them through here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import User


@dataclass
class _TestCounty:
    build: Callable[[], object] | None = None
    named_users: Callable[[], dict[str, User]] | None = None


_county = _TestCounty()


def register_test_county(build: Callable[[], object], named_users: Callable[[], dict[str, User]]) -> None:
    """Name how to build the test county and how to find its named accounts (conftest.py)."""
    _county.build, _county.named_users = build, named_users


def _registered() -> _TestCounty:
    if _county.build is None or _county.named_users is None:
        # A process pytest did not start (a test's subprocess): the test configuration registers.
        import conftest

        conftest.use_test_county()
    if _county.build is None or _county.named_users is None:
        raise RuntimeError("no test county registered: conftest.py calls testkit.register_test_county")
    return _county


def named_users() -> dict[str, User]:
    """The named accounts per access level (commander, grid, …), not the bulk cadres and workers."""
    return _registered().named_users()  # type: ignore[misc]


def ensure_test_county() -> None:
    """Rebuild the test county after a live_server test flushed the database."""
    from ..models import Division

    if not Division.objects.exists():
        _registered().build()  # type: ignore[misc]
