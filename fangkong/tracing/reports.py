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
    """The template filled by docxtpl; where docxtpl is not installed, the same text by python-docx."""
    context = report_context(investigation, kind)
    try:
        from docxtpl import DocxTemplate
    except ImportError:
        doc = build_document(context)
    else:
        doc = DocxTemplate(str(TEMPLATE))
        doc.render(context)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def build_document(c: dict):
    """The report's paragraphs in the template's order, written with python-docx."""
    from docx import Document

    doc = Document()
    doc.add_heading(c["title"], level=1)
    case = c["case"]
    doc.add_paragraph(f"{case.code}　报告类型：{c['kind']}　生成时间：{c['generated_at']}")
    doc.add_heading("一、基本情况", level=2)
    doc.add_paragraph(f"姓名：{case.name}；性别：{case.sex}；年龄：{case.age or ''}；现住址：{case.address}；"
                      f"工作单位：{case.employer}。")
    doc.add_paragraph(f"分类：{c['classification']}；发病日期：{c['onset']}；阳性采样日期：{c['sampled']}；"
                      f"发现途径：{c['found_by']}；报告时间：{c['reported_at']}；收治医院：{case.hospital}；"
                      f"转归：{c['outcome']}。")
    doc.add_paragraph(f"执行方案：{c['protocol']}；追溯期：{c['look_back']}。")
    doc.add_heading("二、核心信息", level=2)
    doc.add_paragraph(c["core_facts"])
    doc.add_heading("三、流调时限", level=2)
    for m in c["milestones"]:
        doc.add_paragraph(f"{m['label']}：时限 {m['due']}，{m['state']}")
    doc.add_heading("四、活动轨迹", level=2)
    for s in c["segments"]:
        doc.add_paragraph(f"{s['when']}　{s['place']}　{s['activity']}　{s['transport']}　同行：{s['companions']}"
                          f"　来源：{s['evidence']}{s['flags']}")
    doc.add_heading("五、接触者", level=2)
    doc.add_paragraph(c["contact_counts"])
    for p in c["contacts"]:
        doc.add_paragraph(f"{p['category']}　{p['name']}　末次接触 {p['exposed']}　{p['place']}　{p['plan']}"
                          f"（{p['protocol']}）　{p['status']}")
    doc.add_heading("六、调查结论", level=2)
    doc.add_paragraph(c["summary"])
    return doc
