"""Pages of contacts: the list, a contact with the plans it was given (each under its version),
the secondary → close upgrade, and the import of contact lists from other regions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from fangkong.core.actions import may
from fangkong.core.errors import ActionFailed, call_action
from fangkong.core.imports import ACCEPTED_SUFFIXES, batch_result, do_create_batch, start_batch
from fangkong.core.views.generic import ModelPages, ObjectActionView, ObjectDetailView

from .. import actions
from ..chains import turned_case
from ..choices import ContactCategory
from ..filtersets import ContactFilterSet
from ..imports import BATCH_KIND, may_import
from ..models import Contact
from ..tables import ContactTable


class ContactDetailView(ObjectDetailView):
    template_name = "tracing/contact_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        contact = self.get_object()
        cells = list(zip(self.table.headers(), self.table.cells(contact), strict=True))
        return render(request, self.template_name, {
            "object": contact, "cells": cells, "plans": contact.plans.select_related("protocol"),
            "may_upgrade": contact.category == ContactCategory.SECONDARY and may(request.user, contact),
            "turned": turned_case(contact, request.user), **self.links(contact)})


class ContactPages(ModelPages):
    model = Contact
    table = ContactTable
    filterset_class = ContactFilterSet

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        out["detail"] = type("ContactPagesDetail", (ContactDetailView,), {"model": Contact, "table": ContactTable})
        return out


class UpgradeContact(ObjectActionView):
    model = Contact
    action = actions.do_upgrade_contact
    success = gettext_lazy("已升级为密接，按现行方案重新计算管控日期并推送核查")


class ContactImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("外地协查接触者名单"),
                           help_text=gettext_lazy("支持 xlsx、xls、csv；列：姓名、身份证号、手机号、人员类别、末次接触时间、"
                                                  "接触地点、关联病例、来源地区、现住址"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(tuple(ACCEPTED_SUFFIXES)):
            raise forms.ValidationError(_("不支持的文件类型，请上传 xlsx、xls 或 csv 文件"))
        return upload


class ContactImportView(LoginRequiredMixin, View):
    template_name = "tracing/contact_import.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not may_import(request.user):
            raise PermissionDenied(_("您没有导入接触者名单的权限"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": ContactImportForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ContactImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        upload = form.cleaned_data["file"]
        try:
            batch = call_action(request, do_create_batch, kind=BATCH_KIND, file_name=upload.name,
                                content=upload.read(), acting_user=request.user, form=form)
        except ActionFailed:
            return render(request, self.template_name, {"form": form})
        batch = start_batch(batch)
        return render(request, self.template_name, {"form": ContactImportForm(), "batch": batch,
                                                    "result": batch_result(batch)})
