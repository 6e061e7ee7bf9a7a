"""工作汇报: the county report of seed 001 as a page — every figure a link to the list it counts,
its 口径 on hover — and the same report as a Word document (docxtpl, the county's template).
An administrator may upload the county's own template."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from fangkong.core import audit
from fangkong.core.choices import AuditAction, DivisionLevel, Role
from fangkong.core.models import Division

from ..briefing.figures import BriefingError, Figure
from ..briefing.report import build_briefing
from ..briefing.word import render_docx, uploaded_template
from .reports import may_oversee

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The page's order of the report: (heading, sentences); the .docx follows its template.
SECTIONS = (
    ("", ("opening", "today")),
    (gettext_lazy("一、严守入县卡口第一道防线"), ("checkpoints",)),
    (gettext_lazy("二、扎牢基层网格第二道防线"), ("grids",)),
    (gettext_lazy("三、盯紧数据信息推送第三道防线"), ("modules", "self_reports", "big_data", "pushes_today")),
    (gettext_lazy("四、强化行业监管第四道防线"), ("venues", "inspections", "key_groups", "events", "sentinels")),
)
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


# The report links each figure to its list: offered to the roles that open those lists (a lab or a
# data module's staff oversee daily reports but may not open checkpoint or venue lists).
BRIEFERS = (Role.COMMAND_CENTER, Role.CDC, Role.TOWNSHIP_CADRE, Role.AUDITOR)


def may_brief(user: Any) -> bool:
    return (bool(getattr(user, "division_id", None)) and may_oversee(user)
            and hasattr(user, "has_role") and user.has_role(*BRIEFERS))


def may_replace_template(user: Any) -> bool:
    return user.has_role(Role.SYSTEM_ADMIN, Role.COMMAND_CENTER) if hasattr(user, "has_role") else False


class BriefingForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("汇报日期"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}))
    since = forms.DateField(label=gettext_lazy("累计起始日期"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}),
                            help_text=gettext_lazy("“N月以来共排查……”的起始日期，缺省为当月1日"))
    division = forms.ModelChoiceField(label=gettext_lazy("区划"), queryset=Division.objects.none(), required=False,
                                      to_field_name="code", empty_label=gettext_lazy("本级（全部）"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = Division.objects.subtree(user.division).filter(
            level__in=[DivisionLevel.COUNTY, DivisionLevel.TOWNSHIP]).order_by("path")

    def clean(self) -> dict:
        d = super().clean()
        day, since = d.get("date"), d.get("since")
        if day and day > timezone.localdate():
            self.add_error("date", _("汇报日期不能晚于今天"))
        if since and since > (day or timezone.localdate()):
            self.add_error("since", _("起始日期不能晚于汇报日期"))
        return d


class TemplateForm(forms.Form):
    template = forms.FileField(label=gettext_lazy("县里的汇报模板（.docx）"))

    def clean_template(self):
        f = self.cleaned_data["template"]
        if not f.name.lower().endswith(".docx"):
            raise forms.ValidationError(_("模板须为 .docx 文件"))
        if f.size > MAX_TEMPLATE_BYTES:
            raise forms.ValidationError(_("模板文件不能超过 5 MB"))
        head = f.read(4)
        f.seek(0)
        if head != b"PK\x03\x04":
            raise forms.ValidationError(_("文件不是有效的 Word 文档（.docx）"))
        return f


def parts_for_page(parts: list) -> list[dict]:
    return [{"text": p.value, "url": p.url, "title": f"{p.label}：{p.definition}"} if isinstance(p, Figure)
            else {"text": p} for p in parts]


class BriefingView(LoginRequiredMixin, View):
    template_name = "command/briefing.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not may_brief(request.user):
            raise PermissionDenied(_("您没有生成工作汇报的权限"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        form = BriefingForm(request.GET or None, user=request.user)
        d = form.cleaned_data if form.is_valid() else {}
        briefing, error = None, ""
        if not form.is_bound or form.is_valid():
            try:
                briefing = build_briefing(request.user, day=d.get("date"), since=d.get("since"),
                                          division=d.get("division"))
            except BriefingError as e:
                error = str(e)
        if briefing is not None and request.GET.get("format") == "docx":
            return self.download(briefing)
        ctx: dict[str, Any] = {"form": form, "briefing": briefing, "error": error,
                               "may_replace": may_replace_template(request.user),
                               "template_form": TemplateForm(), "custom_template": uploaded_template().is_file(),
                               "template_help": _("模板是 Word 文档（docxtpl）：{{ s.opening }} 等写入整句，{{ f.screening_total }} "
                                                  "等写入单个数字（名称见“数据来源”表的“模板名称”列），县里可改写其余文字。")}
        if briefing is not None:
            ctx["sections"] = [(heading, [parts_for_page(briefing.sentences[k]) for k in keys])
                               for heading, keys in SECTIONS]
            ctx["figures"] = list(briefing.figures.values())
            query = request.GET.copy()
            query["format"] = "docx"
            ctx["download_query"] = query.urlencode()
        return render(request, self.template_name, ctx)

    def download(self, briefing) -> HttpResponse:
        try:
            data = render_docx(briefing)
        except Exception as e:  # a county's template with a broken tag: say so, keep the page
            messages.error(self.request, _("模板无法生成文档：%(error)s") % {"error": e})
            return HttpResponseRedirect(reverse("command:briefing"))
        audit.record(AuditAction.EXPORT, briefing.division, verb="export_briefing",
                     changes={"day": briefing.day.isoformat(), "since": briefing.since.isoformat()})
        name = _("%(name)s工作汇报%(day)s.docx") % {"name": briefing.division.name, "day": f"{briefing.day:%Y%m%d}"}
        response = HttpResponse(data, content_type=DOCX)
        response["Content-Disposition"] = f"attachment; filename=\"briefing-{briefing.day:%Y%m%d}.docx\"; " \
                                          f"filename*=UTF-8''{quote(name)}"
        return response


class BriefingTemplateView(LoginRequiredMixin, View):
    """Upload (or remove) the county's own template; the default stays in the code."""

    def post(self, request: HttpRequest) -> HttpResponse:
        if not may_brief(request.user) or not may_replace_template(request.user):
            raise PermissionDenied(_("只有指挥部或系统管理员可以更换汇报模板"))
        target = uploaded_template()
        if request.POST.get("remove"):
            target.unlink(missing_ok=True)
            audit.record(AuditAction.ACTION, request.user.division, verb="reset_briefing_template")
            messages.success(request, _("已恢复默认汇报模板"))
            return HttpResponseRedirect(reverse("command:briefing"))
        form = TemplateForm(request.POST, request.FILES)
        if not form.is_valid():
            for errors in form.errors.values():
                for e in errors:
                    messages.error(request, e)
            return HttpResponseRedirect(reverse("command:briefing"))
        data = form.cleaned_data["template"].read()
        tmp = target.with_suffix(".uploading.docx")
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        try:  # the template must render today's report, or it is not kept
            render_docx(build_briefing(request.user, day=timezone.localdate()), tmp)
        except Exception as e:
            tmp.unlink(missing_ok=True)
            messages.error(request, _("模板无法生成文档，未保存：%(error)s") % {"error": e})
            return HttpResponseRedirect(reverse("command:briefing"))
        tmp.replace(target)
        audit.record(AuditAction.ACTION, request.user.division, verb="replace_briefing_template",
                     changes={"file": form.cleaned_data["template"].name, "bytes": len(data)})
        messages.success(request, _("已更换汇报模板"))
        return HttpResponseRedirect(reverse("command:briefing"))

