"""Forms of the tracing area: the protocol, opening a case, the epidemiologist's laptop forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import MeasureKind, TestKind
from fangkong.core.pageforms import ScopedModelForm, scoped_choices
from fangkong.sectors.models import Venue

from .choices import CaseClass, CaseOutcome, ContactCategory, EvidenceSource, FoundBy, ReportKind
from .models import Case, Contact, Investigation, ProtocolVersion, Segment

DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ProtocolVersionForm(ScopedModelForm):
    class Meta:
        model = ProtocolVersion
        fields = ["code", "title", "look_back_days", "on_site_hours", "core_facts_hours", "contacts_hours",
                  "report_hours", "copresence_overlap_minutes", "copresence_scan_window_minutes", "copresence_days",
                  "note"]


class CategoryForm(forms.Form):
    category = forms.ChoiceField(label=_("人员类别"), choices=ContactCategory.choices)
    central_days = forms.IntegerField(label=_("集中隔离天数"), min_value=0, max_value=60, initial=0)
    home_days = forms.IntegerField(label=_("居家天数"), min_value=0, max_value=60, initial=0)
    home_kind = forms.ChoiceField(label=_("居家措施"), choices=MeasureKind.choices, initial=MeasureKind.HOME_MONITORING)
    test_days = forms.CharField(label=_("检测日"), required=False, help_text=_("例如 1,2,3,5,7"))
    test_kind = forms.ChoiceField(label=_("检测方式"), choices=TestKind.choices)


class OpenCaseForm(ScopedModelForm):
    """立案: who, where they live, how found; the dates decide the look-back."""

    class Meta:
        model = Case
        fields = ["name", "id_number", "phone", "sex", "age", "address", "employer", "division", "classification",
                  "onset_on", "sampled_on", "found_by", "found_note", "hospital"]
        widgets = {"onset_on": DATE, "sampled_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["classification"].initial = CaseClass.CONFIRMED
        self.fields["found_by"].initial = FoundBy.TESTING


class ClassifyForm(forms.Form):
    classification = forms.ChoiceField(label=_("订正为"), choices=CaseClass.choices)
    note = forms.CharField(label=_("依据"), required=False, max_length=255)


class CaseUpdateForm(forms.Form):
    hospital = forms.CharField(label=_("收治医院"), required=False, max_length=128)
    outcome = forms.ChoiceField(label=_("转归"), choices=CaseOutcome.choices)


class FactsForm(forms.ModelForm):
    class Meta:
        model = Investigation
        fields = ["core_facts", "summary"]
        widgets = {"core_facts": forms.Textarea(attrs={"rows": 3}), "summary": forms.Textarea(attrs={"rows": 2})}


class SegmentForm(forms.ModelForm):
    """One segment on the laptop: tab through date, from, to, place (or a registered venue) …"""

    class Meta:
        model = Segment
        fields = ["on", "start", "end", "venue", "place", "activity", "transport", "transport_detail", "companions",
                  "evidence", "public"]
        widgets = {"on": DATE, "start": TIME, "end": TIME}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = scoped_choices("venue", Venue.objects.order_by("name"), user)
        self.fields["venue"].required = False
        self.fields["place"].required = False

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("place") and not data.get("venue"):
            self.add_error("place", _("请选择重点场所或填写地点"))
        return data


class ContactForm(forms.Form):
    category = forms.ChoiceField(label=_("人员类别"), choices=ContactCategory.choices)
    name = forms.CharField(label=_("姓名"), max_length=40, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    address = forms.CharField(label=_("现住址"), max_length=255, required=False)
    segment = forms.ModelChoiceField(label=_("接触时的轨迹"), queryset=Segment.objects.none(), required=False)
    place = forms.CharField(label=_("接触地点"), max_length=255, required=False)
    last_exposure_at = forms.DateTimeField(label=_("末次接触时间"), widget=DATETIME)
    evidence = forms.ChoiceField(label=_("判定依据"), choices=EvidenceSource.choices)
    via = forms.ModelChoiceField(label=_("所接触的密接（次密接填写）"), queryset=Contact.objects.none(), required=False)
    named = forms.BooleanField(label=_("病例提供的人员"), required=False)

    def __init__(self, *args: Any, investigation: Investigation | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if investigation is not None:
            self.fields["segment"].queryset = investigation.segments.all()
            self.fields["via"].queryset = investigation.case.contacts.filter(category=ContactCategory.CLOSE)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("category") == ContactCategory.SECONDARY and not data.get("via"):
            self.add_error("via", _("次密接请选择其所接触的密接"))
        at = data.get("last_exposure_at")
        if at and at > timezone.now() + dt.timedelta(minutes=5):
            self.add_error("last_exposure_at", _("末次接触时间不能晚于现在"))
        return data


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("报告类型"), choices=ReportKind.choices)


class PublishForm(forms.Form):
    text = forms.CharField(label=_("公开轨迹"), widget=forms.Textarea(attrs={"rows": 6}))
