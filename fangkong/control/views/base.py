from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect

from ..roles import CONTROL_VIEWERS


class ControlMixin(LoginRequiredMixin):
    """Signed-in users with a control role; others get 403."""

    allowed_roles: frozenset[str] = CONTROL_VIEWERS

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (request.user.role_names & self.allowed_roles):
            raise PermissionDenied("没有管控模块的权限")
        return super().dispatch(request, *args, **kwargs)


def run_action(request, fn, *args, success: str, back: str, **kwargs):
    """Call an action; show its Chinese error messages instead of failing, then go back."""
    try:
        result = fn(*args, **kwargs)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
        return None, redirect(back)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or "没有权限")
        return None, redirect(back)
    messages.success(request, success)
    return result, redirect(back)
