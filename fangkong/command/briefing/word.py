"""The county report as a Word document: the briefing's context rendered into a docxtpl template —
an administrator's upload, else FANGKONG_BRIEFING_TEMPLATE, else the default (`make_template`)."""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings

from .make_template import DEFAULT
from .report import Briefing


def uploaded_template() -> Path:
    return Path(settings.MEDIA_ROOT) / "briefing" / "template.docx"


def template_path() -> Path:
    upload = uploaded_template()
    if upload.is_file():
        return upload
    configured = getattr(settings, "FANGKONG_BRIEFING_TEMPLATE", "")
    if configured:
        return Path(configured)
    return DEFAULT


def render_docx(briefing: Briefing, template: Path | None = None) -> bytes:
    from docxtpl import DocxTemplate

    doc = DocxTemplate(str(template or template_path()))
    doc.render(briefing.context(), autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
