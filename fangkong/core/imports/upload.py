"""The one upload field of every import form: the file's size and, for an xlsx, what it would
unpack to are checked when the form is validated, before the file is stored or read."""

from __future__ import annotations

from typing import Any

from django import forms

from .columns import ReadError
from .reading import check_file


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
