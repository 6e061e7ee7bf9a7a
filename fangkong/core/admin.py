"""Django admin for the technical superuser: a read-only window on divisions and accounts.

Accounts change only on the account pages, through the audited actions of `core.accounts`
(三员分立: the system administrator opens accounts, the security administrator gives roles),
and divisions through the county import. The admin therefore changes nothing: a superuser who
could edit accounts here would be a fourth administrator outside the separation of duties.
The audit log is not registered at all; auditors read it on the audit-log pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import Division, User, UserRole


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and detail pages, no add / change / delete (changes go through actions)."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Division)
class DivisionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "kind"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


class UserRoleInline(admin.TabularInline):
    model = UserRole
    fields = ["role", "module"]
    extra = 0

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["username", "full_name", "division", "is_active", "last_login"]
    list_filter = ["is_active", "roles__role"]
    search_fields = ["username", "full_name", "phone"]
    fields = ["username", "full_name", "phone", "organisation", "division", "is_active", "last_login"]
    inlines = [UserRoleInline]
