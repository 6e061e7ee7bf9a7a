"""Maintaining key groups (重点人群): create / edit, add or remove a member, import a member list."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from fangkong.core.audit import record_export
from fangkong.core.imports import ReadError, error_sheet
from fangkong.core.models import Batch, Division
from fangkong.core.pii import mask_id_number, may_see_full_pii
from fangkong.core.scoping import user_may

from ..actions import do_add_key_group_member, do_remove_key_group_member, do_save_key_group
from ..forms import KeyGroupForm, KeyGroupImportForm, KeyGroupMemberForm
from ..key_group_import import BATCH_KIND, COLUMNS, import_members
from ..models import KeyGroup

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require(request: HttpRequest, action: str) -> None:
    if not user_may(KeyGroup, request.user, action):
        raise PermissionDenied(_("只有指挥部、乡镇和疾控可以维护重点人群"))


def _group(request: HttpRequest, pk: int) -> KeyGroup:
    """A key group the user may change: role first (403), then scope (404)."""
    _require(request, "change")
    return get_object_or_404(KeyGroup.objects.restrict(request.user, "change"), pk=pk)


def _divisions(request: HttpRequest):
    return Division.objects.subtree(request.user.division).order_by("path")


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class KeyGroupEditView(LoginRequiredMixin, View):
    """新建 / 编辑重点人群 (pk absent: create)."""

    def _title(self, group: KeyGroup | None) -> str:
        return _("新建重点人群") if group is None else _("编辑重点人群")

    def _load(self, request: HttpRequest, pk: int | None) -> KeyGroup | None:
        if pk is None:
            _require(request, "add")
            return None
        return _group(request, pk)

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        group = self._load(request, pk)
        initial = {} if group is None else {"name": group.name, "division": group.division_id,
                                             "test_kind": group.test_kind, "every_days": group.every_days}
        form = KeyGroupForm(initial=initial, divisions=_divisions(request))
        return render(request, "testing/form.html", {"form": form, "title": self._title(group)})

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        group = self._load(request, pk)
        form = KeyGroupForm(request.POST, divisions=_divisions(request))
        if form.is_valid():
            try:
                group = do_save_key_group(group, **form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("已保存重点人群:%(name)s") % {"name": group.name})
                return redirect("testing:key_group", pk=group.pk)
        return render(request, "testing/form.html", {"form": form, "title": self._title(group)})


class KeyGroupMemberAddView(LoginRequiredMixin, View):
    """Add one person by hand."""

    def _render(self, request: HttpRequest, group: KeyGroup, form: KeyGroupMemberForm) -> HttpResponse:
        title = _("添加人员:%(group)s") % {"group": group.name}
        return render(request, "testing/form.html", {"form": form, "title": title})

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, _group(request, pk), KeyGroupMemberForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        group = _group(request, pk)
        form = KeyGroupMemberForm(request.POST)
        if form.is_valid():
            try:
                member = do_add_key_group_member(group, **form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            except PermissionDenied:
                form.add_error("id_number", _("该人员所在网格不在您的管辖范围内"))
            else:
                messages.success(request, _("已添加:%(name)s") % {"name": member.name})
                return redirect("testing:key_group", pk=group.pk)
        return self._render(request, group, form)


class KeyGroupMemberRemoveView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
        group = _group(request, pk)
        member = get_object_or_404(group.members.restrict(request.user, "delete"), pk=member_pk)
        do_remove_key_group_member(member)
        messages.success(request, _("已移出:%(name)s") % {"name": member.name})
        return redirect("testing:key_group", pk=group.pk)


class KeyGroupImportView(LoginRequiredMixin, View):
    """Import a member list; shows each bad row with its row number and reason."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        group = _group(request, pk)
        form = KeyGroupImportForm(request.POST, request.FILES)
        ctx: dict = {"group": group, "form": form}
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = import_members(group, upload.read(), upload.name, user=request.user)
            except ReadError as exc:
                form.add_error("file", str(exc))
            else:
                full = may_see_full_pii(request.user)
                ctx["batch"] = batch
                ctx["errors"] = [
                    {"row": e["row"], "name": e["values"].get("name") or "",
                     "id_number": (e["values"].get("id_number") or "") if full
                     else mask_id_number(str(e["values"].get("id_number") or "")),
                     "reasons": e["reasons"]}
                    for e in batch.errors[:500]
                ]
        return render(request, "testing/key_group_import.html", ctx)


class KeyGroupImportErrorSheetView(LoginRequiredMixin, View):
    """The bad rows as xlsx, to fix and import again (personal data export: audited)."""

    def get(self, request: HttpRequest, batch_pk: int) -> HttpResponse:
        _require(request, "change")
        batch = get_object_or_404(Batch.objects.restrict(request.user).filter(kind=BATCH_KIND), pk=batch_pk)
        if not batch.errors:
            raise Http404(_("该批次没有错误行"))
        if not may_see_full_pii(request.user):
            raise PermissionDenied(_("错误行含完整身份证号,您的角色不能导出"))
        content = error_sheet(batch.errors, COLUMNS)
        record_export("testing.keygroupmember", len(batch.errors), fields=[c.key for c in COLUMNS], full_pii=True,
                      description=f"重点人群导入错误行 批次{batch.pk} {batch.file_name}")
        name = f"{Path(batch.file_name).stem}-错误行.xlsx"
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response


__all__ = ["KeyGroupEditView", "KeyGroupImportErrorSheetView", "KeyGroupImportView", "KeyGroupMemberAddView",
           "KeyGroupMemberRemoveView"]
