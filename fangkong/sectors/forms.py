"""Forms of the sectors area: the venue and sector edit pages, the inspection, the order."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.pageforms import ScopedModelForm, scoped_choices

from .choices import Finding, OrderKind
from .models import Sector, Venue

DATE = forms.DateInput(attrs={"type": "date"})


class SectorForm(ScopedModelForm):
    class Meta:
        model = Sector
        fields = ["code", "name", "aliases", "order"]


class VenueForm(ScopedModelForm):
    """重点场所 on its edit page: the grid offered is one of the user's own."""

    class Meta:
        model = Venue
        fields = ["name", "credit_code", "sector", "address", "grid", "manager_name", "manager_phone",
                  "regulator_unit", "regulator_name", "regulator_phone", "capacity", "status", "limit_percent"]

    def clean_credit_code(self) -> str:
        return (self.cleaned_data.get("credit_code") or "").strip().upper()


class InspectionForm(forms.Form):
    """The finding of an inspection; the answers are read from the `item_<id>` fields."""

    finding = forms.ChoiceField(label=_("检查结论"), choices=Finding.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    to_fix = forms.CharField(label=_("整改内容"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("整改期限"), required=False, widget=DATE)


class OrderForm(forms.Form):
    sector = forms.ModelChoiceField(label=_("行业"), queryset=Sector.objects.all())
    division = forms.ModelChoiceField(label=_("范围"), queryset=None)
    kind = forms.ChoiceField(label=_("措施"), choices=OrderKind.choices)
    limit_percent = forms.IntegerField(label=_("限流比例（%）"), required=False, min_value=1, max_value=99)
    starts_on = forms.DateField(label=_("起始日期"), widget=DATE)
    reason = forms.CharField(label=_("依据"), required=False, max_length=200)

    def __init__(self, *args, user, **kwargs) -> None:
        from fangkong.core.choices import DivisionLevel
        from fangkong.core.models import Division

        super().__init__(*args, **kwargs)
        levels = [DivisionLevel.COUNTY, DivisionLevel.TOWNSHIP, DivisionLevel.VILLAGE]
        self.fields["division"].queryset = scoped_choices("division", Division.objects.filter(level__in=levels), user)


class LiftForm(forms.Form):
    lifted_on = forms.DateField(label=_("解除日期"), required=False, widget=DATE)
