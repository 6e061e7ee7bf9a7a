from __future__ import annotations

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.imports import ACCEPTED_SUFFIXES, Column, ImportFileField
from fangkong.core.pageforms import ScopedModelForm

from .models import Household


class ImportUploadForm(forms.Form):
    """Step 1 of an import: the file."""

    file = ImportFileField(label=_("台账文件"), help_text=_("支持 xlsx、xls、csv;表头可在标题行下方"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ACCEPTED_SUFFIXES:
            raise forms.ValidationError(_("不支持的文件类型,请上传 xlsx、xls 或 csv 文件"))
        if not upload.size:
            raise forms.ValidationError(_("文件是空的"))
        return upload


class ColumnMappingForm(forms.Form):
    """Step 2: which header of the file each column reads from (pre-filled from the aliases)."""

    def __init__(self, *args, columns: list[Column], headers: list[str], initial_mapping: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = columns
        options = [("", _("— 不导入 —")), *((str(i), h) for i, h in enumerate(headers) if h)]
        for column in columns:
            index = initial_mapping.get(column.key)
            self.fields[column.key] = forms.ChoiceField(
                label=f"{column.label}{' *' if column.required else ''}", choices=options, required=False,
                initial="" if index is None else str(index),
            )

    def clean(self):
        data = super().clean()
        for column in self.columns:
            if column.required and not data.get(column.key):
                self.add_error(column.key, _("必填列,请选择对应的表头"))
        used: dict[str, str] = {}
        for column in self.columns:
            value = data.get(column.key)
            if value:
                if value in used:
                    self.add_error(column.key, _("与“%(other)s”选了同一列") % {"other": used[value]})
                used[value] = column.label
        return data

    def mapping(self) -> dict[str, int | None]:
        return {c.key: int(v) if (v := self.cleaned_data.get(c.key)) else None for c in self.columns}


class HouseholdForm(ScopedModelForm):
    """户 on its edit page: the grid offered is one of the user's own."""

    class Meta:
        model = Household
        fields = ["code", "grid", "address", "head_name"]
