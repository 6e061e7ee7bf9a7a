"""双因素认证: enrolling an authenticator app and confirming a login with its code."""

from __future__ import annotations

import segno
from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View

from fangkong.core import twofactor


class CodeForm(forms.Form):
    token = forms.CharField(label=_("验证码"), max_length=16, widget=forms.TextInput(attrs={
        "autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}))


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "/"


class SetupView(LoginRequiredMixin, View):
    """Scan the QR code, type the first code: the device and ten recovery codes are made then."""

    template = "core/twofactor/setup.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        key, signed = twofactor.new_key()
        return self.page(request, key, signed, CodeForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CodeForm(request.POST)
        try:
            key = twofactor.key_from(request.POST.get("key", ""))
        except ValidationError as e:
            form.add_error(None, e)
            key, signed = twofactor.new_key()
            return self.page(request, key, signed, form, status=400)
        if form.is_valid():
            try:
                codes = twofactor.do_enable_2fa(request.user, key, form.cleaned_data["token"],
                                                acting_user=request.user)
            except ValidationError as e:
                form.add_error("token", e.message_dict.get("token", e.messages))
            else:
                twofactor.verify_enrolled(request)
                return render(request, "core/twofactor/codes.html", {"codes": codes, "next": _next(request)})
        return self.page(request, key, request.POST.get("key", ""), form, status=400)

    def page(self, request, key: str, signed: str, form: CodeForm, status: int = 200) -> HttpResponse:
        uri = twofactor.provisioning_uri(request.user, key)
        return render(request, self.template, {
            "form": form, "key": signed, "secret": twofactor.readable_secret(key), "next": _next(request),
            "qr": segno.make(uri, error="m").svg_inline(scale=4, border=2, dark="#1d2733"),
            "enrolled": twofactor.enrolled(request.user)}, status=status)


class VerifyView(LoginRequiredMixin, View):
    """The second step of a login: a code from the app, or a recovery code."""

    template = "core/twofactor/verify.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        if not twofactor.enrolled(request.user):
            return redirect("core:twofactor_setup")
        return render(request, self.template, {"form": CodeForm(), "next": _next(request)})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CodeForm(request.POST)
        if form.is_valid() and twofactor.verify(request, form.cleaned_data["token"]):
            return redirect(_next(request))
        if form.is_valid():
            form.add_error("token", _("验证码不正确或已使用"))
        return render(request, self.template, {"form": form, "next": _next(request)}, status=400)
