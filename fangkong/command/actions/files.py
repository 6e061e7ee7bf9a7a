"""Evidence files sent back with a dispatch reply: photos, PDF and Office documents, checked by
their first bytes (a name proves nothing), at most MAX_FILES of MAX_BYTES each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_FILES = 6
MAX_BYTES = 20 * 1024 * 1024
ZIP_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def file_kind(data: bytes, name: str = "") -> str | None:
    """The content type of a JPEG, PNG, WebP, HEIC, PDF, .docx or .xlsx file by its bytes, else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "image/heic"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if data.startswith(b"PK\x03\x04") and suffix in ZIP_TYPES:
        return ZIP_TYPES[suffix]
    return None


def read_files(files: Sequence[Any]) -> list[tuple[str, bytes, str]]:
    """(name, bytes, content type) of each upload (a file object, or a (name, bytes) pair)."""
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("佐证材料最多%(n)d个") % {"n": MAX_FILES}})
    out = []
    for f in files:
        if isinstance(f, tuple):
            name, data = f
        else:
            name, data = getattr(f, "name", "") or "file", f.read()
        if len(data) > MAX_BYTES:
            raise ValidationError({"files": _("文件过大（每个最大20MB）")})
        kind = file_kind(data, name)
        if kind is None:
            raise ValidationError({"files": _("只能上传照片、PDF、Word或Excel文件")})
        out.append((name.rsplit("/", 1)[-1][:120], data, kind))
    return out
