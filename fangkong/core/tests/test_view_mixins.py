"""The page mixins (ViewTests) run against minimal household pages built the way every edit
page must be: scope before lookup, audited actions, 403 when the action is refused.

The pages live only in this module's URLconf; real pages bring their own test classes.
"""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect
from django.template import engines
from django.urls import path
from django.views.generic import DetailView, ListView

from fangkong.core.actions import do_create, do_delete, do_update
from fangkong.core.testkit import ViewTests
from fangkong.registry.models import Household
from fangkong.registry.tests.factories import TEST_NAME, make_household

pytestmark = pytest.mark.urls(__name__)
app_name = "minimal"


class HouseholdForm(forms.ModelForm):
    class Meta:
        model = Household
        fields = ["code", "grid", "address", "head_name"]


class HouseholdList(ListView):
    paginate_by = 50

    def get_queryset(self):
        return Household.objects.restrict(self.request.user).filter(head_name=TEST_NAME).select_related("grid")

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        # Touches a relation per row, as a real table does.
        template = engines["django"].from_string("{% for h in object_list %}{{ h.grid.name }},{% endfor %}")
        return HttpResponse(template.render(context, self.request))


class HouseholdDetail(DetailView):
    def get_queryset(self):
        return Household.objects.restrict(self.request.user)

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        return HttpResponse(str(context["object"]))


def _save(request: HttpRequest, instance: Household | None) -> HttpResponse:
    form = HouseholdForm(request.POST, instance=instance)
    if not form.is_valid():
        return HttpResponse(str(form.errors), status=200)
    try:
        if instance is None:
            do_create(Household, acting_user=request.user, **form.cleaned_data)
        else:
            do_update(instance, acting_user=request.user, **form.cleaned_data)
    except PermissionDenied:
        return HttpResponseForbidden()
    return redirect("/")


def household_add(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _save(request, get_object_or_404(Household.objects.restrict(request.user, "change"), pk=pk))


def household_delete(request: HttpRequest, pk: int) -> HttpResponse:
    do_delete(get_object_or_404(Household.objects.restrict(request.user, "delete"), pk=pk), acting_user=request.user)
    return redirect("/")


urlpatterns = [
    path("households/", HouseholdList.as_view(), name="household_list"),
    path("households/add/", household_add, name="household_add"),
    path("households/<int:pk>/", HouseholdDetail.as_view(), name="household"),
    path("households/<int:pk>/edit/", household_edit, name="household_edit"),
    path("households/<int:pk>/delete/", household_delete, name="household_delete"),
]


class TestViewMixinsOnMinimalHouseholdPages(
    ViewTests.List, ViewTests.Detail, ViewTests.Create, ViewTests.Edit, ViewTests.Delete
):
    model = Household
    user_in, user_out, user_none = "grid", "grid_other", "lab"
    op_users = {"delete": ("commander", ("command_center", "village_other"), "grid")}
    list_url_name = "household_list"
    detail_url_name = "household"
    add_url_name = "household_add"
    edit_url_name = "household_edit"
    delete_url_name = "household_delete"

    def make_object(self) -> Household:
        return make_household(self.users["grid"].division)

    def create_data(self) -> dict[str, Any]:
        grid = self.users["grid"].division
        return {"code": f"V{grid.code}{Household.objects.count():06d}", "grid": grid.pk, "address": "测试路12号",
                "head_name": TEST_NAME}

    def update_data(self, obj: Household) -> dict[str, Any]:
        return {"code": obj.code, "grid": obj.grid_id, "address": "测试路13号", "head_name": obj.head_name}
