"""Core pages: home, login, notifications; account management and the audit log in submodules."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import ListView, TemplateView

from fangkong.core.accounts import address_blocked
from fangkong.core.middleware import client_ip
from fangkong.core.models import Notification
from fangkong.core.notify import do_mark_read


class HomeView(LoginRequiredMixin, TemplateView):
    """工作台: the user's areas as cards, the person search and their latest notifications."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["latest_notifications"] = list(
            self.request.user.notifications.filter(read_at__isnull=True)[:5]
        )
        return ctx


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if address_blocked(client_ip(request)):  # password spraying: this address tried too many accounts
            return render(request, "registration/locked.html", {"address_blocked": True}, status=429)
        return super().post(request, *args, **kwargs)


# Logging out wipes what the phone kept for offline work (IndexedDB, the offline app's caches and
# service worker): the browser does it on this header, the logged-out page's script again.
CLEAR_SITE_DATA = '"cache", "storage"'


class LogoutView(auth_views.LogoutView):
    """退出: the session ends, and so does every copy of its data on the device."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response

    def get_default_redirect_url(self) -> str:
        return f"{super().get_default_redirect_url()}?logged_out=1"


class NotificationListView(LoginRequiredMixin, ListView):
    """The signed-in user's own notifications, newest first; unread ones highlighted."""

    template_name = "core/notifications.html"
    paginate_by = 30

    def get_queryset(self):
        qs = Notification.objects.filter(user=self.request.user)
        if self.request.GET.get("unread"):
            qs = qs.filter(read_at__isnull=True)
        return qs


class NotificationReadView(LoginRequiredMixin, View):
    """Marks one notification (or, without pk, all) as read and follows its link if it has one."""

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        if pk is None:
            do_mark_read(request.user, acting_user=request.user)
            return redirect("core:notifications")
        note = get_object_or_404(Notification.objects.filter(user=request.user), pk=pk)
        do_mark_read(request.user, note, acting_user=request.user)
        if request.htmx:
            note.refresh_from_db()
            return render(request, "core/_notification.html", {"n": note})
        if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}):
            return redirect(note.url)
        return redirect("core:notifications")
