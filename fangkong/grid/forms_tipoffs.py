"""Forms of the tip-offs (群众举报): the public one (no login, anonymous allowed, a honeypot and a
time trap as on the self-report page) and the handler's (转为线索, 转为行业检查, 不属实 / 重复 / 已办结)."""

from __future__ import annotations

import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import DivisionLevel
from fangkong.core.identity import InvalidValue, clean_name, clean_phone
from fangkong.core.models import Division
from fangkong.sectors.models import Venue

from .actions import TipOffInput
from .choices import TIP_OFF_VERDICTS, TipOffKind, TipOffStatus
from .forms_away import destination_choices

TIME_TRAP_SALT = "grid.tip_off"


def _clean(cleaner, value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return cleaner(value)
    except InvalidValue as exc:
        raise forms.ValidationError(str(exc)) from exc


class PublicTipOffForm(forms.Form):
    kind = forms.ChoiceField(label=_("举报什么"), choices=TipOffKind.choices, widget=forms.RadioSelect)
    division = forms.TypedChoiceField(label=_("在哪个村（社区）"), coerce=int, choices=())
    address = forms.CharField(label=_("具体地点"), max_length=255,
                              widget=forms.TextInput(attrs={"placeholder": _("如：幸福路12号、村委会东侧小卖部")}))
    what = forms.CharField(label=_("举报内容"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("看到了什么、什么时间、大约多少人")}))
    who_name = forms.CharField(label=_("被举报人姓名（选填）"), max_length=40, required=False)
    who_phone = forms.CharField(label=_("被举报人电话（选填）"), max_length=20, required=False,
                                widget=forms.TextInput(attrs={"inputmode": "tel"}))
    who_description = forms.CharField(label=_("被举报人或场所描述（选填）"), max_length=255, required=False)
    photo = forms.FileField(label=_("现场照片（选填）"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))
    reporter_name = forms.CharField(label=_("您的姓名（选填，可匿名）"), max_length=40, required=False)
    reporter_phone = forms.CharField(label=_("您的电话（选填，便于核实）"), max_length=20, required=False,
                                     widget=forms.TextInput(attrs={"inputmode": "tel"}))
    website = forms.CharField(required=False, label=_("网址（请勿填写）"),
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].choices = [("", "—"), *destination_choices()]
        if not self.is_bound:
            self.initial["started"] = signing.dumps(time.time(), salt=TIME_TRAP_SALT)

    def clean_division(self) -> Division:
        found = Division.objects.filter(pk=self.cleaned_data.get("division"), level=DivisionLevel.VILLAGE).first()
        if found is None:
            raise forms.ValidationError(_("请选择所在的村（社区）"))
        return found

    def clean_who_phone(self) -> str:
        return _clean(clean_phone, self.cleaned_data.get("who_phone", ""))

    def clean_reporter_phone(self) -> str:
        return _clean(clean_phone, self.cleaned_data.get("reporter_phone", ""))

    def clean_who_name(self) -> str:
        return _clean(clean_name, self.cleaned_data.get("who_name", ""))

    def clean_reporter_name(self) -> str:
        return _clean(clean_name, self.cleaned_data.get("reporter_name", ""))

    def clean(self) -> dict:
        from fangkong.screening.forms import min_form_seconds

        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(_("提交未通过校验，请刷新页面后重试"))
        try:
            started = float(signing.loads(data.get("started", ""), salt=TIME_TRAP_SALT, max_age=3600))
        except (signing.BadSignature, TypeError, ValueError) as exc:
            raise forms.ValidationError(_("页面已过期，请刷新后重新填写")) from exc
        if time.time() - started < min_form_seconds():
            raise forms.ValidationError(_("提交过快，请核对信息后再提交"))
        return data

    def item(self) -> TipOffInput:
        d = self.cleaned_data
        return TipOffInput(kind=d["kind"], division=d["division"], address=d["address"].strip(), what=d["what"],
                           who_name=d["who_name"], who_phone=d["who_phone"],
                           who_description=d["who_description"].strip(), reporter_name=d["reporter_name"],
                           reporter_phone=d["reporter_phone"], photo=d.get("photo"))


class TipOffStatusForm(forms.Form):
    code = forms.CharField(label=_("回执码"), max_length=12,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper().replace(" ", "")


class ToLeadForm(forms.Form):
    name = forms.CharField(label=_("被举报人姓名"), max_length=40, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    grid = forms.ModelChoiceField(label=_("推送到网格"), queryset=Division.objects.filter(level=DivisionLevel.GRID),
                                  required=False)
    note = forms.CharField(label=_("处理说明"), max_length=255, required=False)


class ToInspectionForm(forms.Form):
    venue = forms.ModelChoiceField(label=_("检查场所"), queryset=Venue.objects.all(),
                                   error_messages={"required": _("请选择要检查的场所")})
    note = forms.CharField(label=_("处理说明"), max_length=255, required=False)


class JudgeForm(forms.Form):
    status = forms.ChoiceField(label=_("处理结果"), choices=[(s.value, s.label) for s in TipOffStatus
                                                         if s in TIP_OFF_VERDICTS])
    note = forms.CharField(label=_("处理说明"), max_length=255, required=False)
