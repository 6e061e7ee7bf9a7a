"""Forms of risk screening: public self-report, door screening, attempts, outcomes, review, import."""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import MeasureKind
from fangkong.core.identity import InvalidValue, clean_id_number, clean_name, clean_phone
from fangkong.core.imports import ImportFileField

from .choices import AttemptKind, BigDataSource, Channel, LeadKind, Outcome, ReviewDecision
from .intake import LeadInput
from .limits import ADDRESS_MAX, NOTE_MAX, check_arrival

TIME_TRAP_SALT = "screening.self_report"


def min_form_seconds() -> float:
    return float(getattr(settings, "SCREENING_MIN_FORM_SECONDS", 3))


class _LeadFields(forms.Form):
    phone = forms.CharField(label=_("手机号"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    name = forms.CharField(label=_("姓名"), max_length=40)
    id_number = forms.CharField(label=_("身份证号"), max_length=24, required=False)
    origin = forms.CharField(label=_("从哪里来（来源地/途经地）"), max_length=ADDRESS_MAX,
                             error_messages={"max_length": _("来源地最多%(limit_value)d个字")})
    arrived_at = forms.DateTimeField(label=_("到达时间"), required=False,
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                     input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"])
    address = forms.CharField(label=_("现住址（乡镇、村/社区、门牌）"), max_length=ADDRESS_MAX,
                              error_messages={"max_length": _("现住址最多%(limit_value)d个字")})
    from_abroad = forms.BooleanField(label=_("境外返回"), required=False)

    def clean_arrived_at(self):
        value = self.cleaned_data.get("arrived_at")
        check_arrival(value)  # 0001-01-01 overflowed on saving (500); year 0279 was stored
        return value

    def clean_phone(self) -> str:
        try:
            return clean_phone(self.cleaned_data["phone"])
        except InvalidValue as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_name(self) -> str:
        try:
            return clean_name(self.cleaned_data["name"])
        except InvalidValue as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_id_number(self) -> str:
        value = self.cleaned_data.get("id_number", "")
        if not value:
            return ""
        try:
            return clean_id_number(value)
        except InvalidValue as exc:
            raise forms.ValidationError(str(exc)) from exc

    def lead_input(self) -> LeadInput:
        d = self.cleaned_data
        return LeadInput(name=d["name"], id_number=d["id_number"], phone=d["phone"], address=d["address"],
                         origin=d["origin"], arrived_at=d.get("arrived_at"),
                         kind=LeadKind.FROM_ABROAD if d.get("from_abroad") else LeadKind.DOMESTIC,
                         note=d.get("note", ""))


class SelfReportForm(_LeadFields):
    """群众自报: phone first; the notice must be accepted; a honeypot and a time trap stop bots."""

    consent = forms.BooleanField(label=_("我已阅读并同意上述个人信息处理告知"), required=True,
                                 error_messages={"required": _("请先阅读并同意个人信息处理告知")})
    website = forms.CharField(required=False, label=_("网址（请勿填写）"),
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started"] = signing.dumps(time.time(), salt=TIME_TRAP_SALT)

    def clean(self) -> dict:
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


class DoorScreeningForm(_LeadFields):
    """主动排查: a grid worker records someone found at the door."""

    note = forms.CharField(label=_("情况说明"), required=False, max_length=NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ReceiptLookupForm(forms.Form):
    code = forms.CharField(label=_("回执码"), max_length=12)
    phone_tail = forms.CharField(label=_("手机号后四位"), min_length=4, max_length=4)


class AttemptForm(forms.Form):
    kind = forms.ChoiceField(label=_("联系情况"), choices=AttemptKind.choices)
    note = forms.CharField(label=_("说明"), max_length=255, required=False)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("核查结果"), choices=Outcome.choices)
    measure_kind = forms.ChoiceField(label=_("管控措施"), choices=[("", "—"), *MeasureKind.choices], required=False)
    place = forms.CharField(label=_("现在何处(不在本县时填写)"), max_length=255, required=False)
    request_assist = forms.BooleanField(label=_("向对方地区发出协查"), required=False)
    reason = forms.CharField(label=_("说明"), max_length=255, required=False)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("审核意见"), choices=ReviewDecision.choices)
    comment = forms.CharField(label=_("说明(退回时必填)"), max_length=255, required=False)


class ImportForm(forms.Form):
    file = ImportFileField(label=_("名单文件(xlsx / xls / csv)"))
    channel = forms.ChoiceField(label=_("渠道"), choices=Channel.choices, initial=Channel.BIG_DATA)
    source = forms.ChoiceField(label=_("数据来源"), choices=[("", "—"), *BigDataSource.choices], required=False)


class InboundAssistForm(forms.Form):
    region = forms.CharField(label=_("发函地区"), max_length=120)
    reference = forms.CharField(label=_("协查编号"), max_length=64, required=False)
    name = forms.CharField(label=_("姓名"), max_length=40)
    id_number = forms.CharField(label=_("身份证号"), max_length=24, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    address = forms.CharField(label=_("地址/线索"), max_length=255, required=False)
    reason = forms.CharField(label=_("协查事由"), max_length=255)
    due_at = forms.DateTimeField(label=_("回复时限"), required=False,
                                 widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                 input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])

    def clean(self) -> dict:
        data = super().clean()
        for key, cleaner in (("id_number", clean_id_number), ("phone", clean_phone)):
            if data.get(key):
                try:
                    data[key] = cleaner(data[key])
                except InvalidValue as exc:
                    self.add_error(key, str(exc))
        if not data.get("id_number") and not data.get("phone"):
            raise forms.ValidationError(_("身份证号和手机号至少填写一项"))
        return data


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("回复内容"), widget=forms.Textarea(attrs={"rows": 3}))
