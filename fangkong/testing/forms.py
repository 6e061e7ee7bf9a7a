from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.imports import ImportFileField

from .choices import POOL_SIZES, ExemptionReason, pool_label


class UploadForm(forms.Form):
    file = ImportFileField(label=_("结果文件(csv / xlsx)"))
    lab = forms.CharField(label=_("检测机构"), max_length=100, required=False)

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".csv", ".xlsx", ".xlsm")):
            raise forms.ValidationError(_("只支持 csv 或 xlsx 文件"))
        return f


class PlanningForm(forms.Form):
    population = forms.IntegerField(label=_("应检人数"), min_value=1, initial=300000)
    prevalence_per_10k = forms.FloatField(label=_("预计阳性率(每万人)"), min_value=0, max_value=10000, initial=5)
    pool_size = forms.TypedChoiceField(label=_("混采人数"), choices=lambda: [(k, pool_label(k)) for k in POOL_SIZES],
                                       coerce=int, initial=10)


class RoundForm(forms.Form):
    """A round over chosen villages, rotating through them over `days` days (e.g. a third a day)."""

    name = forms.CharField(label=_("名称"), max_length=100)
    starts_on = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label=_("轮换天数"), min_value=1, max_value=14, initial=3,
                              help_text=_("每天检测约 1/N 的村"))
    pool_size = forms.TypedChoiceField(label=_("默认混采人数"), choices=lambda: [(k, pool_label(k)) for k in POOL_SIZES], coerce=int,
                                       initial=10)
    villages = forms.ModelMultipleChoiceField(label=_("检测村(社区)"), queryset=None,
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["villages"].queryset = villages


class SiteForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    division = forms.ModelChoiceField(label=_("所在村(社区)"), queryset=None)
    address = forms.CharField(label=_("地址"), max_length=255, required=False)
    opens_at = forms.TimeField(label=_("开始时间"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(label=_("结束时间"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args, divisions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions


class ExemptionForm(forms.Form):
    """免检 / 上门采样登记 by ID number (the grid worker knows their people)."""

    id_number = forms.CharField(label=_("身份证号"), max_length=18)
    reason = forms.ChoiceField(label=_("原因"), choices=ExemptionReason.choices)
    away_to = forms.CharField(label=_("外出去向"), max_length=128, required=False)
    note = forms.CharField(label=_("说明"), max_length=255, required=False)
    until = forms.DateField(label=_("有效期至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class KeyGroupForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    division = forms.ModelChoiceField(label=_("区划"), queryset=None)
    test_kind = forms.ChoiceField(label=_("检测类型"), choices=())
    every_days = forms.IntegerField(label=_("检测频次(每N天一次)"), min_value=1, max_value=365, initial=1)

    def __init__(self, *args, divisions=None, **kwargs):
        from .choices import TestKind

        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions
        self.fields["test_kind"].choices = TestKind.choices


class KeyGroupMemberForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=40)
    id_number = forms.CharField(label=_("身份证号"), max_length=24)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    employer = forms.CharField(label=_("工作单位"), max_length=100, required=False)

    def clean_id_number(self) -> str:
        from fangkong.core.identity import InvalidValue, clean_id_number

        try:
            return clean_id_number(self.cleaned_data["id_number"])
        except InvalidValue as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_phone(self) -> str:
        from fangkong.core.identity import InvalidValue, clean_phone

        value = self.cleaned_data.get("phone") or ""
        if not value:
            return ""
        try:
            return clean_phone(value)
        except InvalidValue as exc:
            raise forms.ValidationError(str(exc)) from exc


class KeyGroupImportForm(forms.Form):
    file = ImportFileField(label=_("人员名单(xlsx / xls / csv)"))
