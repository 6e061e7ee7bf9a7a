from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import MODULE_ROLES, SEPARATED_ADMIN_ROLES, Module, Role


class User(AbstractUser):
    """An account. It belongs to one division and holds roles (`UserRole`)."""

    division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, null=True, blank=True, related_name="users",
        verbose_name=_("所属区划"),
    )
    full_name = models.CharField(_("姓名"), max_length=64, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    organisation = models.CharField(_("单位"), max_length=128, blank=True)
    # Set when an administrator chooses the password (new account, reset): the holder is sent
    # to the password-change page before anything else, so no administrator keeps a working one.
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

    class Meta:
        ordering = ["username"]
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @cached_property
    def role_names(self) -> frozenset[str]:
        return frozenset(r.role for r in self.roles.all())

    @cached_property
    def modules(self) -> dict[str, frozenset[str]]:
        """Screening module → the module roles this user holds in it."""
        out: dict[str, set[str]] = {}
        for r in self.roles.all():
            if r.module:
                out.setdefault(r.module, set()).add(r.role)
        return {k: frozenset(v) for k, v in out.items()}

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_names & set(roles))


class UserRole(models.Model):
    """One role held by one user; module roles also name their screening module."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("用户"))
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    module = models.CharField(_("模块"), max_length=32, choices=Module.choices, blank=True)

    class Meta:
        ordering = ["user", "role", "module"]
        verbose_name = _("用户角色")
        verbose_name_plural = _("用户角色")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "module"], name="userrole_unique",
                violation_error_message="该用户已拥有此角色",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=sorted(str(r) for r in MODULE_ROLES), module__gt="")
                    | (~models.Q(role__in=sorted(str(r) for r in MODULE_ROLES)) & models.Q(module=""))
                ),
                name="userrole_module_iff_module_role",
                violation_error_message="模块负责人、管理员、审核员必须指定模块,其他角色不能指定模块",
            ),
        ]

    def __str__(self) -> str:
        label = self.get_role_display()
        return f"{label}({self.get_module_display()})" if self.module else str(label)

    def clean(self) -> None:
        if self.role in SEPARATED_ADMIN_ROLES:
            others = UserRole.objects.filter(user_id=self.user_id, role__in=SEPARATED_ADMIN_ROLES).exclude(
                pk=self.pk
            ).exclude(role=self.role)
            if others.exists():
                raise ValidationError(_("系统管理员、安全管理员、审计管理员(三员)不能由同一账号兼任"))
