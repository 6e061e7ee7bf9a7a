from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from fangkong.core.errors import ActionFailed, call_action

from ..roles import CONTROL_VIEWERS


class ControlMixin(LoginRequiredMixin):
    """Signed-in users with a control role; others get 403."""

    allowed_roles: frozenset[str] = CONTROL_VIEWERS

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (request.user.role_names & self.allowed_roles):
            raise PermissionDenied("没有管控模块的权限")
        return super().dispatch(request, *args, **kwargs)


def run_action(request, fn, *args, success: str, back: str, **kwargs):
    """Call an action, then go back; errors are mapped once, by `core.errors.call_action`
    (Chinese validation messages shown, refusal 403, out of scope 404)."""
    try:
        result = call_action(request, fn, *args, success=success, **kwargs)
    except ActionFailed:
        return None, redirect(back)
    return result, redirect(back)
