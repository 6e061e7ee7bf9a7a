"""Account management (三员): the system administrator opens and deactivates accounts and resets
passwords; the security administrator gives roles, moves accounts and unlocks logins; the audit
administrator watches both. Every user changes their own password here too.

Every change goes through `core.accounts`; these views only check who may press which button.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from fangkong.core import accounts, twofactor
from fangkong.core.choices import Role
from fangkong.core.forms import DivisionForm, PasswordChangeForm, PasswordResetForm, RoleForm, UserCreateForm
from fangkong.core.models import AuditLog, User


class AccountAdminMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Only the three administrators (or the ones named in `allowed_roles`) get in; others get 403."""

    allowed_roles: frozenset[str] = accounts.ACCOUNT_ADMIN_ROLES
    raise_exception = True

    def test_func(self) -> bool:
        user = self.request.user
        return user.has_role(*self.allowed_roles)

    def managed_user(self, pk: int) -> User:
        return get_object_or_404(accounts.users_for(self.request.user), pk=pk)


class AccountListView(AccountAdminMixin, ListView):
    template_name = "core/accounts/list.html"
    paginate_by = 50

    def get_queryset(self):
        qs = accounts.users_for(self.request.user)
        q = self.request.GET.get("q", "").strip()
        if q:
            qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(division__name__icontains=q))
        role = self.request.GET.get("role")
        if role in Role.values:
            qs = qs.filter(roles__role=role).distinct()
        if self.request.GET.get("inactive"):
            qs = qs.filter(is_active=False)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(q=self.request.GET.get("q", ""), role=self.request.GET.get("role", ""), roles=Role.choices,
                   locked=set(accounts.locked_usernames()))
        return ctx


class AccountCreateView(AccountAdminMixin, View):
    allowed_roles = frozenset({Role.SYSTEM_ADMIN})

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "core/accounts/create.html", {"form": UserCreateForm(actor=request.user)})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = UserCreateForm(request.POST, actor=request.user)
        if form.is_valid():
            d = form.cleaned_data
            user = accounts.do_create_user(
                d["username"], division=d["division"], password=d["password"], full_name=d["full_name"],
                phone=d["phone"], organisation=d["organisation"], acting_user=request.user,
            )
            messages.success(request, _("账号 %(name)s 已创建,请安全管理员分配角色") % {"name": user.username})
            return redirect("core:account", pk=user.pk)
        return render(request, "core/accounts/create.html", {"form": form}, status=400)


class AccountDetailView(AccountAdminMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.page(request, self.managed_user(pk))

    def page(self, request: HttpRequest, account: User, *, role_form: RoleForm | None = None,
             division_form: DivisionForm | None = None, password_form: PasswordResetForm | None = None,
             status: int = 200) -> HttpResponse:
        me = request.user
        ctx = {
            "account": account,
            "account_roles": account.roles.all(),
            "is_sysadmin": me.has_role(Role.SYSTEM_ADMIN),
            "is_secadmin": me.has_role(Role.SECURITY_ADMIN),
            "is_locked": account.username in accounts.locked_usernames(),
            "has_2fa": twofactor.enrolled(account),
            "role_form": role_form or RoleForm(),
            "division_form": division_form or DivisionForm(actor=me, initial={"division": account.division_id}),
            "password_form": password_form or PasswordResetForm(),
            "history": AuditLog.objects.filter(object_type="core.user", object_id=str(account.pk))[:20],
        }
        return render(request, "core/accounts/detail.html", ctx, status=status)


class AccountActionView(AccountDetailView):
    """POST /core/accounts/<pk>/<op>/: one button of the detail page, one audited action."""

    ops = {
        "activate": Role.SYSTEM_ADMIN, "deactivate": Role.SYSTEM_ADMIN, "password": Role.SYSTEM_ADMIN,
        "division": Role.SECURITY_ADMIN, "assign": Role.SECURITY_ADMIN, "revoke": Role.SECURITY_ADMIN, "unlock": Role.SECURITY_ADMIN,
        "reset_2fa": Role.SECURITY_ADMIN,
    }

    def get(self, request: HttpRequest, pk: int, op: str = "") -> HttpResponse:
        return redirect("core:account", pk=pk)

    def post(self, request: HttpRequest, pk: int, op: str) -> HttpResponse:
        me = request.user
        if op not in self.ops or not me.has_role(self.ops[op]):
            raise PermissionDenied(_("您没有此项账号管理权限"))
        account = self.managed_user(pk)
        try:
            response = self.apply(request, account, op)
        except ValidationError as e:
            messages.error(request, "; ".join(e.messages))
            return self.page(request, account, status=400)
        if response is not None:
            return response
        messages.success(request, _("已保存"))
        return redirect("core:account", pk=account.pk)

    def apply(self, request: HttpRequest, account: User, op: str) -> HttpResponse | None:
        me = request.user
        if op in ("activate", "deactivate"):
            accounts.do_set_active(account, op == "activate", acting_user=me)
        elif op == "division":
            form = DivisionForm(request.POST, actor=request.user)
            if not form.is_valid():
                return self.page(request, account, division_form=form, status=400)
            accounts.do_set_division(account, form.cleaned_data["division"], acting_user=me)
        elif op == "password":
            form = PasswordResetForm(request.POST)
            if not form.is_valid():
                return self.page(request, account, password_form=form, status=400)
            accounts.do_reset_password(account, form.cleaned_data["password"], acting_user=me)
        elif op == "assign":
            form = RoleForm(request.POST)
            if not form.is_valid():
                return self.page(request, account, role_form=form, status=400)
            accounts.do_assign_role(account, form.cleaned_data["role"], form.cleaned_data["module"], acting_user=me)
        elif op == "revoke":
            accounts.do_revoke_role(account, request.POST.get("role", ""), request.POST.get("module", ""),
                                    acting_user=me)
        elif op == "unlock":
            accounts.do_unlock(account.username, acting_user=me)
        elif op == "reset_2fa":
            twofactor.do_reset_2fa(account, acting_user=me)
        return None


class LockedAccountsView(AccountAdminMixin, View):
    """Logins locked after 5 failures; the security administrator can unlock them before 15 minutes pass."""

    allowed_roles = frozenset({Role.SECURITY_ADMIN})

    def get(self, request: HttpRequest) -> HttpResponse:
        names = accounts.locked_usernames()
        known = {u.username: u for u in accounts.users_for(request.user).filter(username__in=names)}
        rows = [(name, known.get(name)) for name in names]
        return render(request, "core/accounts/locked.html", {"rows": rows})

    def post(self, request: HttpRequest) -> HttpResponse:
        username = request.POST.get("username", "")
        if username in accounts.locked_usernames():
            accounts.do_unlock(username, acting_user=request.user)
            messages.success(request, _("已解锁 %(name)s") % {"name": username})
        return redirect("core:locked_accounts")


class PasswordChangeView(LoginRequiredMixin, View):
    """Every user's own password change; a flagged user (password set by an administrator) is
    sent here by `ForcePasswordChangeMiddleware` before anything else."""

    template = "core/password_change.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template, {"form": PasswordChangeForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PasswordChangeForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                accounts.do_change_password(request.user, d["old_password"], d["new_password"],
                                            acting_user=request.user)
            except ValidationError as e:
                for field, errors in e.message_dict.items() if hasattr(e, "error_dict") else [("new_password", e.messages)]:
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                update_session_auth_hash(request, request.user)  # stay logged in with the new password
                messages.success(request, _("密码已修改"))
                return redirect("home")
        return render(request, self.template, {"form": form}, status=400)
