"""Masking of ID numbers and phones, and who may see them in full.

Lists and exports show masked values by default; a role in `FULL_PII_ROLES` may reveal a
full value, and every reveal or full export is written to the audit log by the caller
through `audit.record_pii_view`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .choices import Role

if TYPE_CHECKING:
    from .models import User

FULL_PII_ROLES = frozenset(
    {
        Role.COMMAND_CENTER,
        Role.MODULE_LEAD,
        Role.MODULE_ADMIN,
        Role.REVIEWER,
        Role.TOWNSHIP_CADRE,
        Role.VILLAGE_CADRE,
        Role.GRID_WORKER,
        Role.CDC,
        Role.SITE_STAFF,
    }
)


def may_see_full_pii(user: User | None) -> bool:
    return bool(user and user.is_authenticated and user.role_names & FULL_PII_ROLES)


def mask_id_number(value: str | None) -> str:
    """4101********1234: keeps the province/city and the last four characters."""
    if not value:
        return ""
    if len(value) <= 8:
        return value[:1] + "*" * (len(value) - 1)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    """138****5678."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str | None) -> str:
    """张*伟 — for outsiders such as the public receipt page."""
    if not value:
        return ""
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
