"""One mapping of domain errors to responses, for the pages and for the API.

An action (`core.actions`) says what went wrong with an exception; this module alone decides
what the user sees:

=======================================  ==========================  ===========================
exception                                page                        API
=======================================  ==========================  ===========================
ValidationError, InvalidValue            the form's errors, or a     400 `{"detail": [...]}` or
                                         message; Chinese text       `{field: [...]}`
PermissionDenied (role refused)          403                         403
ObjectDoesNotExist, Http404 (scope)      404                         404
MissingActor (a programming error)       500, logged                 500, logged
=======================================  ==========================  ===========================

Pages call `call_action`; the API gets `api_exception_handler` (settings' EXCEPTION_HANDLER and
`api_call` for views that call actions by hand).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions as drf
from rest_framework.views import exception_handler as drf_exception_handler

from .actions import MissingActor
from .identity import InvalidValue

logger = logging.getLogger("fangkong.errors")

T = TypeVar("T")

NOT_FOUND = _("不存在，或不在您的管辖范围内")
BAD_REQUEST = _("请求有误（内容过大、字段过多或格式不对），未处理")
FORBIDDEN = _("没有权限")
SERVER_ERROR = _("服务器出错，已记录，请稍后重试")


def messages_of(exc: ValidationError) -> list[str]:
    """The Chinese messages of a ValidationError, field errors included, without duplicates."""
    return list(dict.fromkeys(str(m) for m in exc.messages))


class ActionFailed(Exception):
    """Raised by `call_action` when an action refused with a ValidationError (already shown)."""

    def __init__(self, error: ValidationError) -> None:
        super().__init__(*messages_of(error))
        self.error = error


def _not_found(exc: ObjectDoesNotExist) -> Http404:
    return Http404(str(exc) or "")


def call_action(request: HttpRequest, fn: Callable[..., T], *args: Any, success: str | None = None,
                form: forms.BaseForm | None = None, **kwargs: Any) -> T:
    """Run an action for a page and map its errors.

    ValidationError: its messages go onto `form` (field errors to their fields) or, without a
    form, into the message bar; then `ActionFailed` is raised for the view to re-render or go
    back. PermissionDenied propagates (403); ObjectDoesNotExist becomes 404; MissingActor is
    logged and propagates (500). On success, `success` is shown as a message.
    """
    try:
        result = fn(*args, **kwargs)
    except (ValidationError, InvalidValue) as exc:
        error = exc if isinstance(exc, ValidationError) else ValidationError(str(exc))
        show_validation_error(request, error, form)
        raise ActionFailed(error) from exc
    except ObjectDoesNotExist as exc:
        raise _not_found(exc) from exc
    except MissingActor:
        logger.exception("action called without an acting user: %s", getattr(fn, "__qualname__", fn))
        raise
    if success:
        messages.success(request, success)
    return result


def show_validation_error(request: HttpRequest, exc: ValidationError, form: forms.BaseForm | None = None) -> None:
    """Put a ValidationError where the user will read it: the form's fields, else the message bar."""
    if form is not None and hasattr(form, "cleaned_data"):
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return
    for message in messages_of(exc):
        messages.error(request, message)


# --- the API ---------------------------------------------------------------------------------


def to_api_error(exc: Exception) -> Exception:
    """The DRF exception for a domain exception (unchanged if DRF already knows it)."""
    if isinstance(exc, InvalidValue):  # a value refused in Chinese (an ID number, a too-long source)
        return drf.ValidationError({"detail": [str(exc)]})
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return drf.ValidationError({k: [str(m) for m in ValidationError(v).messages]
                                        for k, v in exc.error_dict.items()})
        return drf.ValidationError({"detail": messages_of(exc)})
    if isinstance(exc, PermissionDenied):
        return drf.PermissionDenied(str(exc) or None)
    if isinstance(exc, ObjectDoesNotExist | Http404):
        return drf.NotFound(str(exc) or None)
    return exc


def body_object(queryset: Any, pk: Any, field: str) -> Any:
    """An object an API body names by id: not found (or outside the caller's scope) is a 400 on that
    field — the request is wrong, the URL is not — in the words a missing URL gets."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise drf.ValidationError({field: [str(NOT_FOUND)]})
    return found


def api_call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run an action for an API view, mapping its errors to DRF's (400 / 403 / 404)."""
    try:
        return fn(*args, **kwargs)
    except (ValidationError, InvalidValue, PermissionDenied, ObjectDoesNotExist) as exc:
        raise to_api_error(exc) from exc
    except MissingActor:
        logger.exception("action called without an acting user: %s", getattr(fn, "__qualname__", fn))
        raise


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Any:
    """REST_FRAMEWORK's EXCEPTION_HANDLER: Django's domain errors answer as the pages do."""
    if isinstance(exc, MissingActor):
        logger.error("action called without an acting user in %s", context.get("view"), exc_info=exc)
        return None  # re-raised by DRF: a 500, never a silent success
    return drf_exception_handler(to_api_error(exc), context)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") and not request.path.startswith("/api/docs/")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> Any:
    """404: a URL no route matches (an id that is not a number) answers the API in JSON too."""
    from django.http import JsonResponse
    from django.views import defaults

    if _wants_json(request):
        return JsonResponse({"detail": str(NOT_FOUND)}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> Any:
    from django.http import JsonResponse
    from django.views import defaults

    if _wants_json(request):
        return JsonResponse({"detail": str(SERVER_ERROR)}, status=500)
    return defaults.server_error(request)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> Any:
    """400 raised before any view (a body with too many fields, too large): JSON under /api/."""
    from django.http import JsonResponse
    from django.views import defaults

    if _wants_json(request):
        return JsonResponse({"detail": str(BAD_REQUEST)}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> Any:
    from django.http import JsonResponse
    from django.views import defaults

    if _wants_json(request):
        return JsonResponse({"detail": str(exception) or str(FORBIDDEN)}, status=403)
    return defaults.permission_denied(request, exception)
