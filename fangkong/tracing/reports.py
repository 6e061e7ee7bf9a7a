"""流调报告 as .docx (docxtpl): initial, progress or closing, from one template."""

from __future__ import annotations

import io
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import ReportKind
from .itinerary import flag_segments, look_back
from .models import Investigation

TEMPLATE = Path(__file__).parent / "templates" / "tracing" / "report.docx"


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"


def report_context(investigation: Investigation, kind: str) -> dict:
    case = investigation.case
    milestones = [{
        "label": m.get_kind_display(), "due": _local(m.due_at),
        "state": (_("按时完成（%(t)s）") if m.on_time else _("超时完成（%(t)s）")) % {"t": _local(m.done_at)}
        if m.done_at else _("未完成")} for m in investigation.milestones.all()]
    segments = [{
        "when": f"{r.segment.on:%m-%d} {r.segment.start:%H:%M}-{r.segment.end:%H:%M}", "place": r.segment.place,
        "activity": r.segment.activity, "companions": r.segment.companions or "-",
        "transport": " ".join(filter(None, [r.segment.get_transport_display() if r.segment.transport else "",
                                            r.segment.transport_detail])),
        "evidence": r.segment.get_evidence_display(), "flags": ("　⚠" + "；".join(r.flags)) if r.flags else ""}
        for r in flag_segments(investigation.segments.select_related("venue"), look_back(investigation))]
    contacts = list(case.contacts.select_related("plan__protocol").order_by("category", "id"))
    counts: dict[str, int] = {}
    for c in contacts:
        counts[c.get_category_display()] = counts.get(c.get_category_display(), 0) + 1
    return {
        "title": _("%(name)s流行病学调查%(kind)s") % {"name": case.name, "kind": ReportKind(kind).label},
        "kind": ReportKind(kind).label, "generated_at": _local(timezone.now()), "case": case,
        "classification": case.get_classification_display(), "onset": case.onset_on or "-",
        "sampled": case.sampled_on or "-", "found_by": case.get_found_by_display(), "reported_at": _local(case.reported_at),
        "outcome": case.get_outcome_display(), "protocol": str(case.protocol),
        "look_back": f"{case.look_back_from} — {case.index_date}", "core_facts": investigation.core_facts or "-",
        "milestones": milestones, "segments": segments, "summary": investigation.summary or "-",
        "contact_counts": "，".join(f"{k}{v}人" for k, v in counts.items()) or _("暂无"),
        "contacts": [{"category": c.get_category_display(), "name": c.name or c.phone, "place": c.place,
                      "exposed": _local(c.last_exposure_at), "plan": c.plan.described if c.plan else "-",
                      "protocol": c.plan.protocol.code if c.plan else "-", "status": c.get_status_display()}
                     for c in contacts],
    }


def render_report(investigation: Investigation, kind: str) -> bytes:
    """The county's editable template (templates/tracing/report.docx) filled by docxtpl."""
    from docxtpl import DocxTemplate

    doc = DocxTemplate(str(TEMPLATE))
    doc.render(report_context(investigation, kind))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
