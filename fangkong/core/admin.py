"""Django admin for the technical superuser. Account changes go through `core.accounts`.

The audit log is deliberately not registered: nobody can edit or delete it through the
platform; auditors read it on the audit-log pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import BaseInlineFormSet

from . import accounts
from .models import Division, User, UserRole


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    readonly_fields = ["path"]


class RoleFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        held: list[str] = []
        for role_form in self.forms:
            data = getattr(role_form, "cleaned_data", None) or {}
            if data.get("role") and not data.get("DELETE"):
                accounts.check_role_separation(held, data["role"])
                held.append(data["role"])


class UserRoleInline(admin.TabularInline):
    model = UserRole
    formset = RoleFormSet
    extra = 1
    fields = ["role", "module"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["username", "full_name", "division", "is_active", "last_login"]
    list_filter = ["is_active", "roles__role"]
    search_fields = ["username", "full_name", "phone"]
    fields = ["username", "full_name", "phone", "organisation", "division", "is_active", "last_login"]
    readonly_fields = ["last_login"]
    autocomplete_fields = ["division"]
    inlines = [UserRoleInline]

    def save_model(self, request: Any, obj: User, form: Any, change: bool) -> None:
        if not change:
            created = accounts.do_create_user(
                obj.username, division=obj.division, full_name=obj.full_name, phone=obj.phone,
                organisation=obj.organisation,
            )
            obj.pk = created.pk
            obj._state.adding = False
            obj.password = created.password
            return
        stored = User.objects.get(pk=obj.pk)
        if stored.division_id != obj.division_id:
            accounts.do_set_division(stored, obj.division)
        if stored.is_active != obj.is_active:
            accounts.do_set_active(stored, obj.is_active)
        User.objects.filter(pk=obj.pk).update(full_name=obj.full_name, phone=obj.phone, organisation=obj.organisation)

    def save_formset(self, request: Any, form: Any, formset: BaseInlineFormSet, change: bool) -> None:
        # Roles only change through the audited actions, which also enforce 三员分立.
        user = form.instance
        # The admin's change message reads these; the audit log is the real record.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for role_form in formset.forms:
            if not role_form.has_changed() or not role_form.cleaned_data:
                continue
            data = role_form.cleaned_data
            if data.get("DELETE") and role_form.instance.pk:
                accounts.do_revoke_role(user, role_form.instance.role, role_form.instance.module)
            elif not data.get("DELETE"):
                if role_form.instance.pk:
                    accounts.do_revoke_role(user, role_form.initial["role"], role_form.initial.get("module", ""))
                accounts.do_assign_role(user, data["role"], data.get("module") or "")
