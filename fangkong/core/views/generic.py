"""Generic pages: list, detail, edit, delete and action views, in NetBox's manner
(`netbox/views/generic/object_views.py`), on fangkong's scoping and actions.

The rules they keep, so a model's pages cannot forget them:

- **Scope before lookup.** Every queryset is `Model.objects.restrict(user, action)` before the
  object is looked up: a role without the permission gets 403 (`user_may`), a row outside the
  user's division subtree 404.
- **Writes through actions only.** Edit and delete call `core.actions.do_create / do_update /
  do_delete` (or a declared action function) with `acting_user=request.user`; the actions
  re-check scope after the write, in the same transaction, and write the audit row.
- **Errors mapped once** (`core.errors.call_action`): a ValidationError is shown on the form in
  Chinese, PermissionDenied answers 403, ObjectDoesNotExist 404.
- **One filterset and one table per model**, shared with the API and the export.

A model's pages are a few declarations (see docs/PAGES.md)::

    class HouseholdViews(ModelPages):
        model = Household
        table = HouseholdTable
        filterset_class = HouseholdFilterSet
        form_class = HouseholdForm

    urlpatterns = [*HouseholdViews.urls("households")]
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from fangkong.core import actions
from fangkong.core.errors import ActionFailed, call_action
from fangkong.core.exports import export_table, may_export_unmasked
from fangkong.core.pageforms import ScopedModelForm, scoped_choices
from fangkong.core.scoping import ADD, CHANGE, DELETE, VIEW, user_may
from fangkong.core.tables import Table


def url_name(model: type[models.Model], kind: str) -> str:
    """The URL name of a model's page: `<app>:<model>_list`, `_add`, `_edit`, `_delete`, or
    `<app>:<model>` for the detail page."""
    meta = model._meta
    return f"{meta.app_label}:{meta.model_name}" + ("" if kind == "detail" else f"_{kind}")


def _url(model: type[models.Model], kind: str, *args: Any) -> str | None:
    try:
        return reverse(url_name(model, kind), args=args)
    except NoReverseMatch:
        return None


class ScopedView(LoginRequiredMixin):
    """Signed in, and a role that may `scope_action` the model at all (else 403)."""

    model: ClassVar[type[models.Model]]
    scope_action: ClassVar[str] = VIEW
    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not user_may(self.model, request.user, self.scope_action):  # type: ignore[arg-type]
            raise PermissionDenied(actions.OUT_OF_SCOPE)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def restricted(self, action: str | None = None) -> models.QuerySet:
        """The model's rows the user may `action` — the only queryset a page starts from."""
        return self.model.objects.restrict(self.request.user, action or self.scope_action)  # type: ignore[attr-defined]

    def get_object(self, action: str | None = None) -> models.Model:
        """Restrict, then look up: a row outside the scope is 404, never 403."""
        return get_object_or_404(self.restricted(action), pk=self.kwargs["pk"])  # type: ignore[attr-defined]

    def links(self, obj: models.Model | None = None) -> dict[str, Any]:
        """URLs of the model's other pages, and whether the user may use them (buttons)."""
        user, model = self.request.user, self.model
        out: dict[str, Any] = {"list_url": _url(model, "list"), "verbose_name": model._meta.verbose_name,
                               "verbose_name_plural": model._meta.verbose_name_plural}
        add = _url(model, "add")
        out["add_url"] = add if add and actions.may(user, model, ADD) else None
        if obj is not None:
            edit, delete = _url(model, "edit", obj.pk), _url(model, "delete", obj.pk)
            out["edit_url"] = edit if edit and actions.may(user, obj, CHANGE) else None
            out["delete_url"] = delete if delete and actions.may(user, obj, DELETE) else None
        return out


class ObjectListView(ScopedView, ListView):
    """A model's list: restricted, filtered by its filterset, shown through its table; `?export=xlsx`
    (or csv) hands the same rows out through `core.exports`."""

    table: ClassVar[type[Table]]
    filterset_class: ClassVar[type | None] = None
    template_name = "core/generic/list.html"
    paginate_by = 50

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        fmt = request.GET.get("export")
        if fmt in ("xlsx", "csv"):
            return export_table(request, self.table, self.get_queryset(), fmt=fmt,
                                name=str(self.model._meta.verbose_name_plural))
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> models.QuerySet:
        qs = self.table.prepare(self.restricted())
        self.filterset = None
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(self.filter_data(), queryset=qs, request=self.request)
            for name, field in self.filterset.form.fields.items():  # offer only choices in scope
                if isinstance(field, forms.ModelChoiceField):
                    field.queryset = scoped_choices(name, field.queryset, self.request.user)
            qs = self.filterset.qs
        return qs

    def filter_data(self) -> Any:
        """The filterset's data: the request's GET (a page may add its defaults, e.g. a status)."""
        return self.request.GET

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        ctx.update(self.links(), headers=self.table.headers(), rows=self.table.page_rows(ctx["object_list"]),
                   filter=self.filterset, query=params.urlencode(), detail_url_name=url_name(self.model, "detail"),
                   has_detail=_url(self.model, "detail", 0) is not None,
                   may_export_full=self.table.has_pii() and may_export_unmasked(self.request.user))
        return ctx


class ObjectDetailView(ScopedView, View):
    """One object in scope (404 outside it), its table's cells and the buttons the user may use."""

    table: ClassVar[type[Table]]
    template_name = "core/generic/detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.get_object()
        cells = list(zip(self.table.headers(), self.table.cells(obj), strict=True))
        return render(request, self.template_name, {"object": obj, "cells": cells, **self.links(obj)})


class ObjectEditView(ScopedView, View):
    """Create (no pk) or edit (pk) through `do_create` / `do_update`; the form's choices are the
    user's scope (ScopedModelForm), and the action re-checks scope after the write."""

    form_class: ClassVar[type[forms.ModelForm]]
    template_name = "core/generic/edit.html"
    verb_create: ClassVar[str] = ""
    verb_update: ClassVar[str] = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.scope_action = CHANGE if "pk" in kwargs else ADD  # type: ignore[misc]
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, instance: models.Model | None) -> forms.ModelForm:
        data = self.request.POST if self.request.method == "POST" else None
        kwargs: dict[str, Any] = {"instance": instance}
        if issubclass(self.form_class, ScopedModelForm):
            kwargs["user"] = self.request.user
        return self.form_class(data, **kwargs)

    def render_form(self, form: forms.ModelForm, obj: models.Model | None) -> HttpResponse:
        return render(self.request, self.template_name, {"form": form, "object": obj, **self.links(obj)})

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        obj = self.get_object() if pk is not None else None
        return self.render_form(self.get_form(obj), obj)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        obj = self.get_object() if pk is not None else None
        form = self.get_form(obj)
        if not form.is_valid():
            return self.render_form(form, obj)
        concrete = {f.name for f in self.model._meta.concrete_fields}
        fields = {f: v for f, v in form.cleaned_data.items() if f in concrete}
        try:
            if obj is None:
                obj = call_action(request, actions.do_create, self.model, acting_user=request.user,
                                  verb=self.verb_create, form=form, success=_("已保存"), **fields)
            else:
                obj = call_action(request, actions.do_update, obj, acting_user=request.user,
                                  verb=self.verb_update, form=form, success=_("已保存"), **fields)
        except ActionFailed:
            return self.render_form(form, obj if pk is not None else None)
        return HttpResponseRedirect(self.success_url(obj))

    def success_url(self, obj: models.Model) -> str:
        return _url(self.model, "detail", obj.pk) or _url(self.model, "list") or "/"


class ObjectDeleteView(ScopedView, View):
    """A confirmation page (GET), then `do_delete` (POST): audited with the old values."""

    scope_action = DELETE
    template_name = "core/generic/delete.html"
    verb: ClassVar[str] = ""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.get_object()
        return render(request, self.template_name, {"object": obj, **self.links(obj)})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.get_object()
        try:
            call_action(request, actions.do_delete, obj, acting_user=request.user, verb=self.verb,
                        success=_("已删除"))
        except ActionFailed:
            return HttpResponseRedirect(_url(self.model, "detail", obj.pk) or "/")
        return HttpResponseRedirect(_url(self.model, "list") or "/")


class ObjectActionView(ScopedView, View):
    """A domain action on one object (`do_x(obj, **form data, acting_user=…)`), POST only.

    Declare `action` (the function), `scope_action` (the scope action it needs: "change" or a
    model's own, e.g. "verify"), an optional `form_class` and the `success` message.
    """

    action: ClassVar[Any]
    form_class: ClassVar[type[forms.Form] | None] = None
    scope_action = CHANGE
    success: ClassVar[str] = ""
    http_method_names: ClassVar[list[str]] = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.get_object()
        data: dict[str, Any] = {}
        if self.form_class is not None:
            form = self.form_class(request.POST)
            if not form.is_valid():
                for errors in form.errors.values():
                    for error in errors:
                        messages.error(request, error)
                return HttpResponseRedirect(self.back(obj))
            data = form.cleaned_data
        fn = type(self).action
        try:
            call_action(request, fn, obj, acting_user=request.user, success=str(self.success) or _("已保存"), **data)
        except ActionFailed:
            pass
        return HttpResponseRedirect(self.back(obj))

    def back(self, obj: models.Model) -> str:
        return _url(self.model, "detail", obj.pk) or _url(self.model, "list") or "/"


class ModelPages:
    """A model's whole set of pages from one declaration; `urls(prefix)` routes them.

    Leave `form_class` unset for a read-only model; `deletable = False` keeps the delete page out.
    """

    model: ClassVar[type[models.Model]]
    table: ClassVar[type[Table]]
    filterset_class: ClassVar[type | None] = None
    form_class: ClassVar[type[forms.ModelForm] | None] = None
    deletable: ClassVar[bool] = True
    verbs: ClassVar[dict[str, str]] = {}  # {"create": …, "update": …, "delete": …}

    @classmethod
    def views(cls) -> dict[str, Any]:
        base = {"model": cls.model}
        out: dict[str, Any] = {
            "list": type(f"{cls.__name__}List", (ObjectListView,),
                         {**base, "table": cls.table, "filterset_class": cls.filterset_class}),
            "detail": type(f"{cls.__name__}Detail", (ObjectDetailView,), {**base, "table": cls.table}),
        }
        if cls.form_class is not None:
            out["edit"] = type(f"{cls.__name__}Edit", (ObjectEditView,), {
                **base, "form_class": cls.form_class, "verb_create": cls.verbs.get("create", ""),
                "verb_update": cls.verbs.get("update", "")})
            if cls.deletable:
                out["delete"] = type(f"{cls.__name__}Delete", (ObjectDeleteView,),
                                     {**base, "verb": cls.verbs.get("delete", "")})
        return out

    @classmethod
    def urls(cls, prefix: str) -> list:
        """`<prefix>/`, `<prefix>/add/`, `<prefix>/<pk>/`, `<prefix>/<pk>/edit/`, `<prefix>/<pk>/delete/`."""
        if not getattr(cls, "model", None) or not getattr(cls, "table", None):
            raise ImproperlyConfigured(f"{cls.__name__} needs `model` and `table`")
        name = cls.model._meta.model_name
        views = cls.views()
        patterns = [
            path(f"{prefix}/", views["list"].as_view(), name=f"{name}_list"),
            path(f"{prefix}/<int:pk>/", views["detail"].as_view(), name=name),
        ]
        if "edit" in views:
            patterns += [
                path(f"{prefix}/add/", views["edit"].as_view(), name=f"{name}_add"),
                path(f"{prefix}/<int:pk>/edit/", views["edit"].as_view(), name=f"{name}_edit"),
            ]
        if "delete" in views:
            patterns.append(path(f"{prefix}/<int:pk>/delete/", views["delete"].as_view(), name=f"{name}_delete"))
        return patterns
