"""Forms of the people-away ledger and the return reports (the liaison's and the public one)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import DivisionLevel
from fangkong.core.identity import InvalidValue, clean_id_number, clean_name, clean_phone
from fangkong.core.models import Division, User
from fangkong.core.pageforms import ScopedModelForm
from fangkong.core.scoping import in_subtree

from .actions import ReturnInput
from .away import default_liaison, risk_level
from .choices import ContactAdvice, ContactMethod, ReporterKind, ReturnPlan
from .models import PersonAway

TIME_TRAP_SALT = "grid.return_report"
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


def _clean(cleaner: Any, value: str) -> str:
    if not value:
        return ""
    try:
        return cleaner(value)
    except InvalidValue as exc:
        raise forms.ValidationError(str(exc)) from exc


class PersonAwayForm(ScopedModelForm):
    class Meta:
        model = PersonAway
        fields = ["name", "id_number", "phone", "grid", "province", "city", "county", "township", "address", "since",
                  "plan", "plan_return_on", "watch", "liaison", "status", "note"]
        widgets = {"since": forms.DateInput(attrs={"type": "date"}),
                   "plan_return_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        here = self.user.division if self.user is not None and self.user.is_authenticated else None
        # Cadres of the user's township (or the county's, for the county): the three-level liaison.
        base = Division.objects.filter(path=here.path[:9]).first() if here is not None else None
        self.fields["liaison"].queryset = in_subtree(User.objects.filter(is_active=True), "division", base) \
            .order_by("username") if base is not None else User.objects.none()
        self.fields["liaison"].help_text = _("不选则按三级分包自动指定（包户干部、村干部、包村乡镇干部）")

    def clean_id_number(self) -> str:
        return _clean(clean_id_number, self.cleaned_data.get("id_number", ""))

    def clean_phone(self) -> str:
        return _clean(clean_phone, self.cleaned_data.get("phone", ""))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("province"):
            data["risk_level"] = risk_level(data, timezone.localdate())
        if not data.get("liaison") and data.get("grid") is not None:
            data["liaison"] = default_liaison(data["grid"])
        return data


class ContactForm(forms.Form):
    advice = forms.ChoiceField(label=_("告知内容"), choices=ContactAdvice.choices)
    method = forms.ChoiceField(label=_("联系方式"), choices=ContactMethod.choices)
    plan = forms.ChoiceField(label=_("对方返县打算"), choices=[("", "—"), *ReturnPlan.choices], required=False)
    plan_return_on = forms.DateField(label=_("计划返县日期"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))
    watch = forms.BooleanField(label=_("口头答应不返县但可能返县（列入重点关注）"), required=False)
    note = forms.CharField(label=_("情况说明"), max_length=255, required=False)


class CloseTaskForm(forms.Form):
    result = forms.CharField(label=_("办理结果"), max_length=255, required=False)


def destination_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Villages (社区) grouped by township, for the public form: a person knows their village,
    not their grid."""
    out: dict[str, list[tuple[int, str]]] = {}
    townships = dict(Division.objects.filter(level=DivisionLevel.TOWNSHIP).values_list("path", "name"))
    for pk, path, name in Division.objects.filter(level=DivisionLevel.VILLAGE).order_by("path") \
            .values_list("pk", "path", "name"):
        out.setdefault(townships.get(path[:9], ""), []).append((pk, name))
    return list(out.items())


class ReturnReportForm(forms.Form):
    """返县报备 by a liaison or a cadre (who files it, for whom, from where, arriving when, where to)."""

    filed_by = forms.ChoiceField(label=_("报备人类别"), choices=ReporterKind.choices, initial=ReporterKind.CADRE)
    name = forms.CharField(label=_("返县人员姓名"), max_length=40)
    phone = forms.CharField(label=_("返县人员手机号"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    id_number = forms.CharField(label=_("身份证号"), max_length=24, required=False)
    province = forms.CharField(label=_("出发地：省"), max_length=32)
    city = forms.CharField(label=_("出发地：市"), max_length=32, required=False)
    county = forms.CharField(label=_("出发地：县（区）"), max_length=32, required=False)
    township = forms.CharField(label=_("出发地：乡镇（街道）"), max_length=64, required=False)
    route = forms.CharField(label=_("途经地及交通方式"), max_length=255, required=False)
    arrive_at = forms.DateTimeField(label=_("预计到达时间"), input_formats=DATETIME_FORMATS,
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    division = forms.ModelChoiceField(label=_("目的地（村、社区或网格）"), queryset=Division.objects.none())
    address = forms.CharField(label=_("目的地详细地址"), max_length=255)
    reporter_name = forms.CharField(label=_("报备人姓名（非本人报备时填写）"), max_length=40, required=False)
    reporter_phone = forms.CharField(label=_("报备人电话"), max_length=20, required=False)
    employer = forms.CharField(label=_("用工单位（返岗人员填写）"), max_length=100, required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_divisions(user)

    def set_divisions(self, user: Any) -> None:
        here = getattr(user, "division", None)
        levels = [DivisionLevel.VILLAGE, DivisionLevel.GRID]
        self.fields["division"].queryset = (Division.objects.subtree(here).filter(level__in=levels).order_by("path")
                                            if here is not None else Division.objects.none())

    def clean_name(self) -> str:
        return _clean(clean_name, self.cleaned_data.get("name", ""))

    def clean_phone(self) -> str:
        return _clean(clean_phone, self.cleaned_data.get("phone", ""))

    def clean_reporter_phone(self) -> str:
        return _clean(clean_phone, self.cleaned_data.get("reporter_phone", ""))

    def clean_id_number(self) -> str:
        return _clean(clean_id_number, self.cleaned_data.get("id_number", ""))

    def clean_arrive_at(self) -> dt.datetime:
        value = self.cleaned_data["arrive_at"]
        now = timezone.now()
        if value < now - dt.timedelta(days=1):
            raise forms.ValidationError(_("到达时间已过，请填写计划到达的时间"))
        if value > now + dt.timedelta(days=60):
            raise forms.ValidationError(_("只能报备60天以内的返县行程"))
        return value

    def item(self) -> ReturnInput:
        d = self.cleaned_data
        return ReturnInput(name=d["name"], phone=d["phone"], id_number=d.get("id_number", ""),
                           province=d["province"], city=d.get("city", ""), county=d.get("county", ""),
                           township=d.get("township", ""), route=d.get("route", ""), arrive_at=d["arrive_at"],
                           division=d["division"], address=d["address"], filed_by=d.get("filed_by") or ReporterKind.SELF,
                           reporter_name=d.get("reporter_name", ""), reporter_phone=d.get("reporter_phone", ""),
                           employer=d.get("employer", ""))


class PublicReturnForm(ReturnReportForm):
    """The public page's form: no login; the notice must be accepted; a honeypot and a time trap
    stop bots, exactly as on the self-report page."""

    filed_by = forms.ChoiceField(label=_("报备人"), choices=[c for c in ReporterKind.choices
                                                           if c[0] != ReporterKind.EMPLOYER],
                                 initial=ReporterKind.SELF)
    division = forms.TypedChoiceField(label=_("返回到哪个村（社区）"), coerce=int, choices=())
    consent = forms.BooleanField(label=_("我已阅读并同意上述个人信息处理告知"), required=True,
                                 error_messages={"required": _("请先阅读并同意个人信息处理告知")})
    website = forms.CharField(required=False, label=_("网址（请勿填写）"),
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))
    started = forms.CharField(widget=forms.HiddenInput)

    field_order = ["phone", "name", "id_number", "filed_by", "province", "city", "county", "township", "route",
                   "arrive_at", "division", "address", "reporter_name", "reporter_phone"]

    def set_divisions(self, user: Any) -> None:
        self.fields.pop("employer", None)
        self.fields["division"].choices = [("", "—"), *destination_choices()]
        if not self.is_bound:
            self.initial["started"] = signing.dumps(time.time(), salt=TIME_TRAP_SALT)

    def clean_division(self) -> Division:
        value = self.cleaned_data.get("division")
        found = Division.objects.filter(pk=value, level=DivisionLevel.VILLAGE).first()
        if found is None:
            raise forms.ValidationError(_("请选择返回的村（社区）"))
        return found

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
