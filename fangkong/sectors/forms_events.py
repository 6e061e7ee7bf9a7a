"""Forms of family events (红白事) and work resumption (复工复产)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import DivisionLevel, Role
from fangkong.core.models import Division, User
from fangkong.core.pageforms import scoped_choices

from .choices import DECISIONS
from .models import EventRules, FamilyEvent

DATE = forms.DateInput(attrs={"type": "date"})


class EventReportForm(forms.ModelForm):
    division = forms.ModelChoiceField(label=_("所在村（社区）或网格"), queryset=Division.objects.none())

    class Meta:
        model = FamilyEvent
        fields = ["kind", "host_name", "host_phone", "division", "place", "event_date", "tables", "guests",
                  "outside_guests", "outside_origins", "measures"]
        widgets = {"event_date": DATE}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        levels = [DivisionLevel.VILLAGE, DivisionLevel.GRID]
        self.fields["division"].queryset = scoped_choices(
            "division", Division.objects.filter(level__in=levels), user)
        if user.division_id and user.division.level in levels:
            self.fields["division"].initial = user.division_id
        for name in ("host_phone",):
            self.fields[name].widget.attrs.update(inputmode="tel", autocomplete="off")
        for name in ("tables", "guests", "outside_guests"):
            self.fields[name].widget.attrs.update(inputmode="numeric")


class SupervisorForm(forms.Form):
    supervisor = forms.ModelChoiceField(label=_("督导人"), queryset=User.objects.none())

    def __init__(self, *args: Any, event: FamilyEvent | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = User.objects.filter(is_active=True, roles__role__in=[Role.TOWNSHIP_CADRE, Role.COMMAND_CENTER]).distinct()
        if event is not None:  # the officers above the event's village
            path = event.division.path
            qs = qs.filter(pk__in=[u.pk for u in qs.select_related("division")
                                   if u.division_id and path.startswith(u.division.path)])
        self.fields["supervisor"].queryset = qs.order_by("full_name")


class EventCheckForm(forms.Form):
    actual_people = forms.IntegerField(label=_("实到人数"), min_value=0,
                                       widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    compliant = forms.TypedChoiceField(label=_("是否符合防控要求"), coerce=lambda v: v == "1",
                                       choices=[("1", _("符合")), ("0", _("不符合"))], widget=forms.RadioSelect)
    note = forms.CharField(label=_("检查情况"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))


class CancelEventForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200)


class EventRulesForm(forms.ModelForm):
    class Meta:
        model = EventRules
        fields = ["max_people", "max_tables", "wedding_notice_days", "funeral_notice_hours", "outside_guests_allowed",
                  "weddings_postponed", "funeral_no_banquet"]


class ResumptionForm(forms.Form):
    """复工复产申请: the staff list one person a line — 姓名，身份证号，电话，14天内行程，闭环（是/否）."""

    venue = forms.ModelChoiceField(label=_("申请单位"), queryset=None)
    applicant_name = forms.CharField(label=_("申请人"), max_length=40)
    applicant_phone = forms.CharField(label=_("申请人电话"), max_length=20, required=False,
                                      widget=forms.TextInput(attrs={"inputmode": "tel"}))
    plan = forms.CharField(label=_("防控方案"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    closed_loop = forms.CharField(label=_("闭环管理安排"), max_length=500, required=False)
    staff = forms.CharField(label=_("复工人员名单"), widget=forms.Textarea(attrs={"rows": 6}),
                            help_text=_("每行一人：姓名，身份证号，电话，14天内行程，是否闭环（是/否）"))
    every_days = forms.IntegerField(label=_("复工后检查周期（天）"), min_value=1, max_value=90, initial=7)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        from .models import Venue

        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = Venue.objects.restrict(user).select_related("sector").order_by("name")

    def clean_staff(self) -> list[dict[str, Any]]:
        import re

        rows = []
        for line in (self.cleaned_data.get("staff") or "").splitlines():
            cells = [c.strip() for c in re.split(r"[,，\t]", line)]
            if not any(cells):
                continue
            cells += [""] * (5 - len(cells))
            rows.append({"name": cells[0], "id_number": cells[1], "phone": cells[2], "whereabouts": cells[3],
                         "closed_loop": cells[4] in ("是", "闭环", "y", "Y", "1")})
        return rows


class DecideResumptionForm(forms.Form):
    decision = forms.ChoiceField(label=_("验收结论"), widget=forms.RadioSelect,
                                 choices=[(d.value, d.label) for d in DECISIONS])
    conditions = forms.CharField(label=_("复工条件 / 不予复工理由"), max_length=500, required=False)
