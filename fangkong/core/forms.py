"""Forms of the account pages and the audit-log search."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from .choices import MODULE_ROLES, Module, Role
from .models import Division, User


class DivisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Division) -> str:
        return f"{'　' * max(0, len(obj.path) // 3 - 2)}{obj.name}"


def divisions_under(actor: User):
    qs = Division.objects.all()
    if actor.division is None:
        return qs.none()
    qs = qs.subtree(actor.division)
    return qs.order_by("path")


class UserCreateForm(forms.Form):
    username = forms.RegexField(
        label=_("用户名"), max_length=150, regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("用户名只能包含字母、数字和 @ . + - _")},
    )
    full_name = forms.CharField(label=_("姓名"), max_length=64)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    organisation = forms.CharField(label=_("单位"), max_length=128, required=False)
    division = DivisionChoiceField(label=_("所属区划"), queryset=Division.objects.none())
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, min_length=10)

    def __init__(self, *args, actor: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions_under(actor)

    def clean_username(self) -> str:
        name = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=name).exists():
            raise forms.ValidationError(_("用户名已存在"))
        return name

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("username"):
            validate_password(data["password"], User(username=data["username"], full_name=data.get("full_name", "")))
        return data


class DivisionForm(forms.Form):
    division = DivisionChoiceField(label=_("所属区划"), queryset=Division.objects.none())

    def __init__(self, *args, actor: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions_under(actor)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    module = forms.ChoiceField(label=_("模块"), choices=[("", "—"), *Module.choices], required=False)

    def clean(self):
        data = super().clean()
        if data.get("role") in MODULE_ROLES and not data.get("module"):
            self.add_error("module", _("模块负责人、管理员、审核员必须指定模块"))
        return data


class PasswordResetForm(forms.Form):
    """The system administrator's new password for an account (to be changed at first login)."""

    password = forms.CharField(label=_("新密码"), widget=forms.PasswordInput, min_length=10)


class PasswordChangeForm(forms.Form):
    """Every user's own password change (forced after an administrator set the password)."""

    old_password = forms.CharField(label=_("原密码"), widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("新密码"), widget=forms.PasswordInput, min_length=10)
    new_password2 = forms.CharField(label=_("再次输入新密码"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password2") and data["new_password"] != data["new_password2"]:
            self.add_error("new_password2", _("两次输入的新密码不一致"))
        return data
