"""Forms of the sentinel pages: the counter entry (one screen on a phone), the response to a
signal, the signal run and the edit pages of the catalogue and the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.pageforms import ScopedModelForm

from ..choices import DrugClass, SentinelKind, SignalResponse
from ..models import SENTINEL_SECTORS, Drug, Sector, SignalRule

DATE = forms.DateInput(attrs={"type": "date"})


class DrugForm(ScopedModelForm):
    class Meta:
        model = Drug
        fields = ["name", "drug_class", "aliases"]


class SignalRuleForm(ScopedModelForm):
    class Meta:
        model = SignalRule
        fields = ["name", "sector", "threshold", "percentile", "weeks", "min_count", "response_hours", "active"]


class CounterForm(forms.Form):
    """哨点登记 at the counter: the sentinel (one of the user's), what was bought, who bought it."""

    venue = forms.ModelChoiceField(label=_("哨点"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("类型"), choices=SentinelKind.choices, initial=SentinelKind.SALE)
    drug = forms.CharField(label=_("药品名称"), required=False, max_length=64,
                           widget=forms.TextInput(attrs={"list": "drugs", "autocomplete": "off"}))
    drug_class = forms.ChoiceField(label=_("药品类别"), required=False,
                                   choices=[("", _("按药品名称自动识别")), *DrugClass.choices])
    quantity = forms.IntegerField(label=_("数量"), min_value=1, max_value=999, initial=1)
    name = forms.CharField(label=_("姓名"), max_length=40)
    id_number = forms.CharField(label=_("身份证号"), required=False, max_length=18,
                                widget=forms.TextInput(attrs={"inputmode": "text", "autocomplete": "off"}))
    phone = forms.CharField(label=_("手机号"), required=False, max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    address = forms.CharField(label=_("现住址"), required=False, max_length=255)
    temperature = forms.DecimalField(label=_("体温（℃）"), required=False, max_digits=3, decimal_places=1,
                                     widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}))
    symptoms = forms.CharField(label=_("症状"), required=False, max_length=100)

    def __init__(self, *args, venues, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = venues


class RespondForm(forms.Form):
    response = forms.ChoiceField(label=_("响应措施"), choices=SignalResponse.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("响应说明"), widget=forms.Textarea(attrs={"rows": 3}))


class RangeForm(forms.Form):
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DATE)
    sector = forms.ModelChoiceField(label=_("行业"), required=False, empty_label=_("全部哨点"),
                                    queryset=Sector.objects.filter(code__in=SENTINEL_SECTORS))
