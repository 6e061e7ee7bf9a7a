"""One mapping of domain errors to responses (core.errors), on a page and in the API, and the
generic action view that uses it."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import include, path
from rest_framework import exceptions as drf

from fangkong.core import actions, errors
from fangkong.core.choices import AuditAction
from fangkong.core.testkit import assert_audited, client_for
from fangkong.core.views.generic import ObjectActionView
from fangkong.registry.models import Household
from fangkong.registry.tests.factories import make_household


@actions.action
def do_rename_head(household: Household, *, acting_user: Any, head_name: str) -> Household:
    if head_name == "无名":
        raise ValidationError({"head_name": "户主姓名不能是“无名”"})
    return actions.do_update(household, acting_user=acting_user, head_name=head_name)


class RenameForm(forms.Form):
    head_name = forms.CharField(max_length=40)


class RenameHead(ObjectActionView):
    model = Household
    action = do_rename_head
    form_class = RenameForm
    success = "已更名"


urlpatterns = [
    path("households/<int:pk>/rename/", RenameHead.as_view(), name="rename"),
    path("", include("fangkong.urls")),  # the action view links back to the household's real pages
]


def test_it_maps_each_domain_error_to_the_api():
    assert isinstance(errors.to_api_error(ValidationError("超出容量")), drf.ValidationError)
    assert errors.to_api_error(ValidationError("超出容量")).detail == {"detail": ["超出容量"]}
    assert errors.to_api_error(ValidationError({"phone": "手机号无效"})).detail == {"phone": ["手机号无效"]}
    assert isinstance(errors.to_api_error(PermissionDenied("没有权限")), drf.PermissionDenied)
    assert isinstance(errors.to_api_error(Household.DoesNotExist()), drf.NotFound)
    assert isinstance(errors.to_api_error(Http404()), drf.NotFound)


def test_a_missing_actor_is_an_error_never_a_success():
    with mock.patch.object(errors.logger, "exception") as logged, pytest.raises(actions.MissingActor):
        errors.api_call(lambda: actions.do_create(Household, acting_user=None))
    assert "without an acting user" in logged.call_args.args[0]
    assert errors.api_exception_handler(actions.MissingActor("x"), {}) is None  # DRF re-raises: 500


@pytest.mark.urls(__name__)
def test_the_action_view_scopes_acts_and_shows_chinese_errors(users):
    household = make_household(users["grid"].division)
    url = f"/households/{household.pk}/rename/"
    assert client_for(users["grid_other"]).post(url, {"head_name": "李四"}).status_code == 404
    assert client_for(users["lab"]).post(url, {"head_name": "李四"}).status_code == 403
    assert client_for(users["grid"]).get(url).status_code == 405
    client = client_for(users["grid"])
    response = client.post(url, {"head_name": "无名"}, follow=True)
    assert "户主姓名不能是“无名”" in [str(m) for m in response.context["messages"]]
    household.refresh_from_db()
    assert household.head_name != "无名"
    response = client.post(url, {"head_name": "李四"})
    assert response.status_code == 302 and response["Location"] == f"/registry/households/{household.pk}/"
    household.refresh_from_db()
    assert household.head_name == "李四"
    assert_audited(AuditAction.UPDATE, household, actor=users["grid"])
