"""Writes the default template of the county report (templates/command/briefing.docx) once, with
python-docx, in the layout of GB/T 9704 (党政机关公文格式): A4; margins 上37 下35 左28 右26 mm; the
title in 方正小标宋简体 二号 (22 pt); the body in 仿宋_GB2312 三号 (16 pt), fixed line spacing 28.95 pt
(22 lines a page); first-level headings (一、) in 黑体, second-level ones (（一）) in 楷体_GB2312.

The file it writes is a docxtpl template that a county may edit in Word (its own wording around
`{{ s.<sentence> }}` and `{{ f.<figure> }}`) and upload to replace this one. Regenerate with

    python -m fangkong.command.briefing.make_template [OUT.docx]
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

DEFAULT = Path(__file__).resolve().parents[1] / "templates" / "command" / "briefing.docx"
TITLE_FONT, BODY_FONT, HEADING_FONT, KAI_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"
BODY_PT, TITLE_PT, LINE_PT = 16, 22, 28.95
APPENDIX_PT, APPENDIX_WIDTHS_MM = 9, (10, 38, 20, 56, 32)


def set_font(target, name: str, size: float | None = None, bold: bool | None = None) -> None:
    """Latin and East Asian font of a style or run (Word reads w:eastAsia for Chinese)."""
    font = target.font
    font.name = name
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rpr = target.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def spacing(fmt, *, indent: bool = True) -> None:
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(BODY_PT * 2) if indent else Pt(0)


def page_number_footer(section) -> None:
    """— 1 — centred in the footer (GB/T 9704 puts it at the outer side; centred is common)."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run("— ")
    set_font(run, BODY_FONT, 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        r = p.add_run()
        set_font(r, BODY_FONT, 14)
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        r._r.append(el)
    run = p.add_run(" —")
    set_font(run, BODY_FONT, 14)


def build(out: Path = DEFAULT) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    page_number_footer(section)

    styles = doc.styles
    normal = styles["Normal"]
    set_font(normal, BODY_FONT, BODY_PT)
    spacing(normal.paragraph_format)
    title = styles["Title"]
    set_font(title, TITLE_FONT, TITLE_PT, bold=False)
    title.font.color.rgb = None
    spacing(title.paragraph_format, indent=False)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(LINE_PT)
    # python-docx's Title has a bottom border: GB/T 9704's title has none
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)
    for name, font in (("Heading 1", HEADING_FONT), ("Heading 2", KAI_FONT)):
        style = styles[name]
        set_font(style, font, BODY_PT, bold=False)
        style.font.color.rgb = None
        spacing(style.paragraph_format)
    set_font(styles["Table Grid"], BODY_FONT, APPENDIX_PT)

    def body(text: str) -> None:
        doc.add_paragraph(text, style="Normal")

    doc.add_paragraph("{{ title }}", style="Title")
    body("{{ s.opening }}")
    body("{{ s.today }}")
    body("我们重点是抓四个方面的工作：")
    doc.add_paragraph("一、严守入县卡口第一道防线", style="Heading 1")
    body("{{ s.checkpoints }}")
    doc.add_paragraph("二、扎牢基层网格第二道防线", style="Heading 1")
    body("{{ s.grids }}针对县城小区居民聚集，实行所有县直部门包社区，实现所有家庭住户全部纳入网格化管理，确保出现情况能够及时应对。")
    doc.add_paragraph("三、盯紧数据信息推送第三道防线", style="Heading 1")
    body("风险排查系统上线以来，{{ s.modules }}")
    body("{{ s.self_reports }}{{ s.big_data }}{{ s.pushes_today }}")
    doc.add_paragraph("四、强化行业监管第四道防线", style="Heading 1")
    doc.add_paragraph("（一）重点场所", style="Heading 2")
    body("{{ s.venues }}{{ s.inspections }}")
    doc.add_paragraph("（二）重点人群和全员检测", style="Heading 2")
    body("{{ s.key_groups }}")
    doc.add_paragraph("（三）红白事和哨点监测", style="Heading 2")
    body("{{ s.events }}{{ s.sentinels }}")
    body("下一步，我们将时刻绷紧疫情防控这根弦，强化预警，细化责任，坚决守住“防输入、不破零”的底线。汇报完毕。")
    p = doc.add_paragraph("{{ division }}", style="Normal")
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p = doc.add_paragraph("{{ date_words }}", style="Normal")
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    # 附件: every figure, its 口径 and the list it counts
    p = doc.add_paragraph("附件：数据来源", style="Normal")
    p.paragraph_format.page_break_before = True
    p.paragraph_format.first_line_indent = Pt(0)
    table = doc.add_table(rows=3, cols=5)
    table.style = styles["Table Grid"]
    headers = ("序号", "数字", "数值", "口径", "清单")
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    cells = table.rows[1].cells
    cells[0].text = "{%tr for r in figures %}"
    row = table.rows[2].cells
    for cell, text in zip(row, ("{{ r.no }}", "{{ r.label }}", "{{ r.value }}{{ r.unit }}", "{{ r.definition }}",
                                "{{ r.url }}"), strict=True):
        cell.text = text
    end = table.add_row().cells
    end[0].text = "{%tr endfor %}"
    # fixed column widths over the 156 mm of text: 序号, 数字, 数值, 口径, 清单
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    widths = [Mm(w) for w in APPENDIX_WIDTHS_MM]
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(width.twips))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
            for para in cell.paragraphs:
                para.paragraph_format.first_line_indent = Pt(0)
                para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
                for run in para.runs:
                    set_font(run, BODY_FONT, APPENDIX_PT)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT))
