"""The county report (工作汇报, issue #16 item 9): on the demo county's day, every figure of the
Word document is recomputed here from the database with plain queries (not the metric
functions) and compared; the sums the text implies hold; no `*` is left; a fact the seed asserts
is written only when true; the command line and the page; the .docx renders to PDF in
LibreOffice with its fonts."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from fangkong.command.briefing import phrases
from fangkong.command.briefing.figures import BriefingError, Figure
from fangkong.command.briefing.make_template import BODY_FONT, DEFAULT, TITLE_FONT
from fangkong.command.briefing.report import build_briefing, text
from fangkong.command.briefing.word import render_docx
from fangkong.core.choices import DivisionLevel, Role
from fangkong.core.models import Division, User
from fangkong.core.testkit import client_for

docx = pytest.importorskip("docx")


def fig(value, key="x", metric="screening.persons") -> Figure:
    return Figure(key, value, metric, "/list/")


# The seed's fixed phrases, written only when true ---------------------------------------------


def test_today_says_low_risk_and_negative_only_when_true():
    true = text(phrases.today(fig(5), fig(0), fig(5), fig(0), fig(0), fig(5)))
    assert "均为低风险区人员" in true and "核酸检测阴性" in true and "其中" not in true
    false = text(phrases.today(fig(5), fig(2), fig(3), fig(2), fig(0), fig(4)))
    assert "均为低风险区人员" not in false
    assert "其中2人来自中高风险区" in false and "核酸检测阴性3人、结果待出2人" in false
    assert "已落实管控措施4人" in false
    assert "阳性1人" in text(phrases.today(fig(2), fig(0), fig(1), fig(0), fig(1), fig(2)))


def test_measures_key_groups_sentinels_and_pushes_say_what_is_true():
    items = [("集中隔离", fig(1)), ("健康监测", fig(2))]
    assert "均落实相关管控措施" in text(phrases.measures(items, fig(3), fig(0), fig(0), all_settled=True))
    partly = text(phrases.measures(items, fig(3), fig(1), fig(4), all_settled=False))
    assert "均落实" not in partly and "已落实相关管控措施3人" in partly and "其余4人正在核查" in partly
    assert "除2人外出未归均按频次落实检测" in text(phrases.key_groups(fig(2), fig(10), fig(8), fig(2), fig(2), fig(9), fig(3),
                                                                      fig(4)))
    other = text(phrases.key_groups(fig(2), fig(10), fig(7), fig(3), fig(1), fig(9), fig(3), fig(4)))
    assert "除" not in other and "未检测3人（其中外出未归1人）" in other
    assert "均按要求处置完毕" in text(phrases.sentinels("7月份以来", fig(9), fig(4), fig(4), fig(0)))
    open_ = text(phrases.sentinels("7月份以来", fig(9), fig(4), fig(3), fig(1)))
    assert "均按要求" not in open_ and "其中已处置完毕3名，正在核查处置1名" in open_
    assert text(phrases.pushes_today(fig(5), fig(5), fig(0), fig(0))).endswith("已全部核实。")
    assert "剩余2条正在落地核查、1条数据无人接听" in text(phrases.pushes_today(fig(5), fig(2), fig(2), fig(1)))
    clean = text(phrases.cumulative("大数据累计推送", fig(3), fig(3), fig(3), fig(0), fig(3), fig(0), fig(0)))
    assert "均为低风险地区来返人员" in clean
    dirty = text(phrases.cumulative("大数据累计推送", fig(3), fig(2), fig(2), fig(1), fig(1), fig(2), fig(0)))
    assert "均为" not in dirty and "中高风险区来返1人" in dirty and "结果待出2人" in dirty


# The demo county's report, figure by figure ---------------------------------------------------


def _document_text(data: bytes) -> tuple[str, list[list[str]]]:
    d = docx.Document(io.BytesIO(data))
    body = "\n".join(p.text for p in d.paragraphs)
    rows = [[c.text for c in r.cells] for r in d.tables[0].rows]
    return body, rows


def _expected(day: dt.date, since: dt.date, week: dt.date) -> dict[str, object]:
    """Each figure from the rows themselves (county scope: every row)."""
    from fangkong.control.models import Exposure
    from fangkong.registry.models import Household
    from fangkong.screening.models import Lead
    from fangkong.sectors.choices import CheckpointKind, EventKind, EventStatus, Finding
    from fangkong.sectors.models import (
        SENTINEL_SECTORS,
        Checkpoint,
        FamilyEvent,
        Inspection,
        PersonCheck,
        SentinelRecord,
        VehicleCheck,
        Venue,
    )
    from fangkong.testing.models import KeyGroup, KeyGroupMember, Sampling

    tz = timezone.get_current_timezone()

    def lo(d):
        return dt.datetime.combine(d, dt.time.min, tzinfo=tz)

    def hi(d):
        return lo(d + dt.timedelta(days=1))

    def wan(n):  # 万 with two decimals from 10,000 on; below it the count itself
        return f"{n / 10000:.2f}".rstrip("0").rstrip(".") if n >= 10000 else n

    # A person counts on the day of their first recorded lead (lowest id, as screening's roll-up
    # defines it: an import stamps its leads with its start) — not their earliest `received_at`,
    # which differs for a demo seeded just after midnight.
    firsts: dict[int, dt.datetime] = {}
    for pid, at in Lead.objects.exclude(person=None).order_by("id").values_list("person_id", "received_at"):
        firsts.setdefault(pid, at)
    persons_since = sum(lo(since) <= at < hi(day) for at in firsts.values())
    persons_today = sum(lo(day) <= at < hi(day) for at in firsts.values())
    today_persons = set(Lead.objects.filter(received_at__gte=lo(day), received_at__lt=hi(day))
                        .values_list("person_id", flat=True))
    border = Q(checkpoint__kind=CheckpointKind.COUNTY_BORDER, registered_at__gte=lo(since), registered_at__lt=hi(day))
    year = Inspection.objects.filter(inspected_at__date__gte=dt.date(day.year, 1, 1), inspected_at__date__lte=day)
    events = FamilyEvent.objects.filter(event_date__gte=week, event_date__lte=day).exclude(status=EventStatus.CANCELLED)
    sentinel_persons = (SentinelRecord.objects.filter(day__gte=since, day__lte=day).exclude(person=None)
                        .values("person").distinct().count())
    members = set(KeyGroupMember.objects.values_list("id_number", flat=True))
    tested = set(Sampling.objects.filter(id_number__in=members, sampled_at__gte=lo(week), sampled_at__lt=hi(day))
                 .values_list("id_number", flat=True))
    households = Household.objects.count()
    workers = User.objects.filter(is_active=True, roles__role=Role.GRID_WORKER).distinct().count()
    return {
        "screening_total": persons_since,
        "today_total": persons_today,
        "today_from_risk_area": Exposure.objects.filter(person_id__in=today_persons,
                                                        origin_level__in=["high", "medium"])
        .values("person").distinct().count(),
        "checkpoints": Checkpoint.objects.filter(kind=CheckpointKind.COUNTY_BORDER, active=True)
        .filter(Q(opened_on=None) | Q(opened_on__lte=day)).count(),
        "checkpoint_vehicles_wan": wan(VehicleCheck.objects.filter(border).count()),
        "checkpoint_people_wan": wan(PersonCheck.objects.filter(border).count()),
        "grids": Division.objects.filter(level=DivisionLevel.GRID).count(),
        "grid_households": households, "households": households,
        "grid_workers": workers,
        "households_per_worker": round(households / workers),
        "townships": Division.objects.filter(level=DivisionLevel.TOWNSHIP).count(),
        "self_pushed": Lead.objects.filter(channel="self_report", received_at__gte=lo(since),
                                           received_at__lt=hi(day)).count(),
        "big_data_pushed": Lead.objects.filter(channel="big_data", received_at__gte=lo(since),
                                               received_at__lt=hi(day)).count(),
        "today_pushed": Lead.objects.filter(channel="big_data", received_at__gte=lo(day), received_at__lt=hi(day)).count(),
        "venues": Venue.objects.filter(created_at__date__lte=day).count(),
        "inspected_year": year.values("venue").distinct().count(),
        "rectify_year": year.filter(finding=Finding.RECTIFY).values("venue").distinct().count(),
        "suspend_year": year.filter(finding=Finding.SUSPEND).values("venue").distinct().count(),
        "key_groups": KeyGroup.objects.count(), "key_group_members": len(members), "key_group_tested": len(tested),
        "residents_tested": Sampling.objects.filter(sampled_at__gte=lo(week), sampled_at__lt=hi(day),
                                                    resident__isnull=False).values("resident").distinct().count(),
        "events": events.count(), "events_weddings": events.filter(kind=EventKind.WEDDING).count(),
        "events_funerals": events.filter(kind=EventKind.FUNERAL).count(),
        "events_checked": events.filter(status=EventStatus.CHECKED).count(),
        "sentinels": Venue.objects.filter(sector__code__in=SENTINEL_SECTORS, created_at__date__lte=day).count(),
        "fever_reported": sentinel_persons,
    }


@pytest.fixture
def demo_day(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo_activity", "--seed", "7", verbosity=0)
    return users


def test_the_demo_days_report_matches_the_database(demo_day, tmp_path):
    commander = demo_day["commander"]
    day = timezone.localdate()
    since = day - dt.timedelta(days=20)
    b = build_briefing(commander, day=day, since=since)
    data = render_docx(b)
    body, rows = _document_text(data)

    # no figure left as *, every placeholder filled
    assert "*" not in body and "{{" not in body and "{%" not in body
    assert all("*" not in cell and "{{" not in cell for row in rows for cell in row)
    # each figure recomputed from the rows equals the document's appendix and the report's figure
    expected = _expected(day, since, b.week_start)
    appendix = dict(zip(b.figures, rows[1:], strict=True))  # the appendix lists the figures in order
    for key, value in expected.items():
        f = b.figures[key]
        assert f.value == value, (key, f.value, value)
        assert appendix[key][1] == f.label and appendix[key][2] == f"{value}{f.unit}", key
        assert appendix[key][3] == f.definition and appendix[key][4] == f.url
    # the document's sentences print those figures
    assert f"共排查涉疫风险人员{expected['screening_total']}人" in body
    assert f"全县设外省市交通卡口一共是{expected['checkpoints']}个" in body
    def unit(key, word):
        return f"万{word}" if isinstance(expected[key], str) else word

    assert (f"累计核查{expected['checkpoint_vehicles_wan']}{unit('checkpoint_vehicles_wan', '辆车')}、"
            f"{expected['checkpoint_people_wan']}{unit('checkpoint_people_wan', '人')}。" in body)
    assert f"全县一共设立{expected['grids']}个基层网格" in body
    assert f"对全县{expected['venues']}个重点公共场所" in body
    assert f"本周重点人群应检{expected['key_group_members']}人，实际检测{expected['key_group_tested']}人" in body
    assert f"今日推送数据{expected['today_pushed']}条" in body
    # the sums the text implies
    channels = sum(f.value for k, f in b.figures.items() if k.startswith("channel_"))
    assert channels == b.figures["screening_total"].value
    sectors = sum(f.value for k, f in b.figures.items() if k.startswith("venues_"))
    assert sectors == b.figures["venues"].value
    assert (b.figures["events_weddings"].value + b.figures["events_funerals"].value == b.figures["events"].value)
    assert (b.figures["today_push_verified"].value + b.figures["today_push_in_progress"].value
            + b.figures["today_push_unreachable"].value == b.figures["today_pushed"].value)
    assert b.figures["fever_handled"].value + b.figures["fever_unhandled"].value == b.figures["fever_reported"].value
    # the demo day fills the report: no line of defence left at zero
    for key in ("screening_total", "today_total", "checkpoints", "checkpoint_people_wan", "grids", "venues",
                "inspected_year", "key_group_members", "key_group_tested", "events", "sentinels", "fever_reported",
                "big_data_pushed", "today_pushed", "residents_tested"):
        assert b.figures[key].value not in (0, "0"), key
    # every figure names its metric's 口径 and a list that opens
    client = client_for(commander)
    for f in b.figures.values():
        assert f.definition and f.url.startswith("/")
    for u in {f.url for f in b.figures.values()}:
        assert client.get(u).status_code == 200, u

    # the page: every figure is a link, and the download is the same document
    page = client.get(reverse("command:briefing"), {"date": day.isoformat(), "since": since.isoformat()})
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("data-figure") == sum(1 for p in sum(b.sentences.values(), []) if isinstance(p, Figure))
    assert f'href="{b.figures["checkpoints"].url.replace("&", "&amp;")}"' in html
    got = client.get(reverse("command:briefing"), {"date": day.isoformat(), "since": since.isoformat(),
                                                   "format": "docx"})
    assert got["Content-Type"].startswith("application/vnd.openxmlformats")
    assert _document_text(got.content)[0] == body

    # a township's report counts only its own rows
    township = Division.objects.filter(level=DivisionLevel.TOWNSHIP).order_by("path").first()
    t = build_briefing(commander, day=day, since=since, division=township)
    assert t.figures["grids"].value == Division.objects.filter(level=DivisionLevel.GRID,
                                                               path__startswith=township.path).count()
    assert t.figures["venues"].value <= b.figures["venues"].value

    _check_pdf(data, tmp_path)


def _check_pdf(data: bytes, tmp_path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (Debian: libreoffice-writer) is not installed: the PDF rendering is not checked")
    src = tmp_path / "briefing.docx"
    src.write_bytes(data)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(src)], check=True, capture_output=True, timeout=240)
    pdf = (tmp_path / "briefing.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(tmp_path / "briefing.pdf")], capture_output=True, text=True).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    else:
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= 2  # the report, then the appendix on its own page
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(tmp_path / "briefing.pdf")], capture_output=True, text=True).stdout
    else:
        fonts = " ".join(m.decode("latin-1") for m in re.findall(rb"/BaseFont\s*/([^\s/>]+)", pdf))
    # the Chinese text is set in an embedded CJK font (the GB fonts where installed, else a substitute)
    assert re.search(r"(?i)(fangsong|song|kai|hei|cjk|gb2312|simsun|wenquanyi|noto)", fonts), fonts


def test_the_template_is_gb_t_9704():
    d = docx.Document(str(DEFAULT))
    s = d.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    assert [round(x.mm) for x in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)] == [37, 35, 28, 26]
    from docx.oxml.ns import qn

    def east_asia(style):
        return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    normal, title = d.styles["Normal"], d.styles["Title"]
    assert east_asia(normal) == BODY_FONT and normal.font.size.pt == 16
    assert 28 <= normal.paragraph_format.line_spacing.pt <= 29
    assert east_asia(title) == TITLE_FONT and title.font.size.pt == 22
    assert east_asia(d.styles["Heading 1"]) == "黑体" and east_asia(d.styles["Heading 2"]) == "楷体_GB2312"


# The command line ------------------------------------------------------------------------------


def test_the_command_writes_the_report_and_says_what_is_wrong(users, tmp_path):
    out = tmp_path / "report.docx"
    county = Division.objects.get(level=DivisionLevel.COUNTY)
    call_command("briefing", "--date", timezone.localdate().isoformat(), "--division", county.code, "--out", str(out),
                 verbosity=0)
    body, rows = _document_text(out.read_bytes())
    assert county.name in body and "*" not in body and len(rows) > 20
    with pytest.raises(CommandError, match="日期格式不正确"):
        call_command("briefing", "--date", "2022-13-45", "--out", str(out))
    with pytest.raises(CommandError, match="找不到区划代码"):
        call_command("briefing", "--division", "999999", "--out", str(out))
    with pytest.raises(CommandError, match="起始日期不能晚于汇报日期"):
        call_command("briefing", "--date", "2022-07-01", "--since", "2022-07-15", "--out", str(out))
    with pytest.raises(CommandError, match="账号不存在"):
        call_command("briefing", "--user", "nobody", "--out", str(out))
    with pytest.raises(CommandError, match=r"\.docx"):
        call_command("briefing", "--out", str(tmp_path / "report.pdf"))


def test_a_division_outside_the_users_scope_is_refused(users):
    cadre = users["township"]
    other = Division.objects.filter(level=DivisionLevel.TOWNSHIP).exclude(pk=cadre.division_id).first()
    with pytest.raises(BriefingError, match="不在您的管辖范围内"):
        build_briefing(cadre, division=other)


def test_the_page_is_for_the_command_centre(users):
    assert client_for(users["grid"]).get(reverse("command:briefing")).status_code == 403
    page = client_for(users["commander"]).get(reverse("command:briefing"), {"date": "2999-01-01"})
    assert page.status_code == 200 and "汇报日期不能晚于今天" in page.content.decode()
    assert page.context["briefing"] is None


def test_a_county_replaces_the_template_with_its_own_wording(users, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fangkong.core.models import AuditLog

    settings.MEDIA_ROOT = str(tmp_path / "media")
    client = client_for(users["commander"])
    own = docx.Document()
    own.add_paragraph("本县自定义：全县网格{{ f.grids }}个。{{ s.grids }}")
    buf = io.BytesIO()
    own.save(buf)
    upload = reverse("command:briefing_template")
    client.post(upload, {"template": SimpleUploadedFile("本县模板.docx", buf.getvalue())})
    got = client.get(reverse("command:briefing"), {"format": "docx"})
    grids = Division.objects.filter(level=DivisionLevel.GRID).count()
    assert f"本县自定义：全县网格{grids}个。" in _document_text_any(got.content)
    assert AuditLog.objects.filter(verb="replace_briefing_template").exists()
    assert AuditLog.objects.filter(verb="export_briefing").exists()
    # a file that is not a .docx, or a template that does not render, is refused and the county's stays
    page = client.post(upload, {"template": SimpleUploadedFile("x.docx", b"not a zip")}, follow=True)
    assert "不是有效的 Word 文档" in page.content.decode()
    broken = docx.Document()
    broken.add_paragraph("{{ f.grids ")
    buf = io.BytesIO()
    broken.save(buf)
    page = client.post(upload, {"template": SimpleUploadedFile("坏模板.docx", buf.getvalue())}, follow=True)
    assert "模板无法生成文档，未保存" in page.content.decode()
    assert "本县自定义" in _document_text_any(client.get(reverse("command:briefing"), {"format": "docx"}).content)
    client.post(upload, {"remove": "1"})
    assert "数据来源" in _document_text_any(client.get(reverse("command:briefing"), {"format": "docx"}).content)
    # only the command centre or the system administrator may replace it
    assert client_for(users["auditor"]).post(upload, {"remove": "1"}).status_code == 403


def _document_text_any(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def test_a_figure_in_wan_prints_its_scale_before_the_unit():
    """The appendix writes a value and its unit side by side: 2.27 of 万辆次, not 2.27辆次."""
    from fangkong.command.briefing.figures import Figure

    scaled = Figure("checkpoint_vehicles_wan", "2.27", "checkpoints.vehicles", "/sectors/", scale="万")
    plain = Figure("checkpoint_vehicles_wan", 361, "checkpoints.vehicles", "/sectors/")
    assert (scaled.unit, scaled.as_dict()["unit"], plain.unit) == ("万辆次", "万辆次", "辆次")
    assert scaled.label == plain.label == "核查车辆"
