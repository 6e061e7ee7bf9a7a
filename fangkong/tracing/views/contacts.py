"""Pages of contacts: the list, a contact with the plans it was given (each under its version),
the secondary → close upgrade, and the import of contact lists from other regions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from fangkong.core.actions import may
from fangkong.core.imports import upload_form
from fangkong.core.imports.views import UploadImportView
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


ContactImportForm = upload_form(gettext_lazy("外地协查接触者名单"), gettext_lazy(
    "支持 xlsx、xls、csv；列：姓名、身份证号、手机号、人员类别、末次接触时间、接触地点、关联病例、来源地区、现住址"))


class ContactImportView(UploadImportView):
    template_name = "tracing/contact_import.html"
    form_class = ContactImportForm
    batch_kind = BATCH_KIND
    permission_denied = gettext_lazy("您没有导入接触者名单的权限")
    permitted = staticmethod(may_import)
