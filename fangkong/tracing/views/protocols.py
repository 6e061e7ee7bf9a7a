"""Pages of protocol versions: the generic list and edit pages, a detail page with the
categories (editable while a draft) and the button that puts a version in force."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from fangkong.core.actions import may
from fangkong.core.views.generic import ModelPages, ObjectActionView, ObjectDetailView

from .. import actions
from ..choices import ProtocolStatus
from ..filtersets import ProtocolVersionFilterSet
from ..forms import CategoryForm, ProtocolVersionForm
from ..models import ProtocolVersion
from ..tables import ProtocolVersionTable


class ProtocolDetailView(ObjectDetailView):
    template_name = "tracing/protocol_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = self.get_object()
        cells = list(zip(self.table.headers(), self.table.cells(version), strict=True))
        editable = version.status == ProtocolStatus.DRAFT and may(request.user, version)
        return render(request, self.template_name, {
            "object": version, "cells": cells, "categories": version.categories.all(),
            "category_form": CategoryForm() if editable else None,
            "may_activate": version.status != ProtocolStatus.ACTIVE and may(request.user, version),
            **self.links(version)})


class ProtocolVersionPages(ModelPages):
    model = ProtocolVersion
    table = ProtocolVersionTable
    filterset_class = ProtocolVersionFilterSet
    form_class = ProtocolVersionForm
    verbs = {"create": "create_protocol", "update": "update_protocol", "delete": "delete_protocol"}

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        out["detail"] = type("ProtocolVersionPagesDetail", (ProtocolDetailView,),
                             {"model": ProtocolVersion, "table": ProtocolVersionTable})
        return out


class SaveCategory(ObjectActionView):
    model = ProtocolVersion
    action = actions.do_save_category
    form_class = CategoryForm
    success = gettext_lazy("已保存该人员类别的管控要求")


class ActivateProtocol(ObjectActionView):
    model = ProtocolVersion
    action = actions.do_activate_protocol
    success = gettext_lazy("已启用，新判定的人员按此版本计算管控日期")
