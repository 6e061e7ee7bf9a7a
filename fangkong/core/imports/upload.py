"""The one upload field of every import form: the file's size and, for an xlsx, what it would
unpack to are checked when the form is validated, before the file is stored or read."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .columns import ReadError
from .reading import ACCEPTED_SUFFIXES, check_file


class ImportFileField(forms.FileField):
    """A FileField that refuses, with the reader's Chinese reason, a file too large or an xlsx
    that would unpack to too much (a "zip bomb")."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload:
            try:
                check_file(upload)
            except ReadError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return upload


class UploadForm(forms.Form):
    """The upload form of a list import: one file of an accepted type, checked as above. A kind's
    form subclasses it with its own label and the columns it expects as help text."""

    file = ImportFileField(label=gettext_lazy("文件"))
    accepted_suffixes: tuple[str, ...] = ()

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        suffixes = self.accepted_suffixes or tuple(ACCEPTED_SUFFIXES)
        if not upload.name.lower().endswith(suffixes):
            raise forms.ValidationError(
                _("不支持的文件类型，请上传 %(types)s 文件")
                % {"types": "、".join(s.lstrip(".") for s in suffixes)}
            )
        if not upload.size:
            raise forms.ValidationError(_("文件是空的"))
        return upload


def upload_form(label: str, help_text: str = "", *, suffixes: tuple[str, ...] = ()) -> type[UploadForm]:
    """An UploadForm whose file field carries `label` and `help_text` (lazy strings)."""
    field = ImportFileField(label=label, help_text=help_text)
    return type("UploadForm", (UploadForm,), {"file": field, "accepted_suffixes": suffixes})
