"""Forms of the grid line: starting a sweep, one person's answers, a person found at the door."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import DivisionLevel
from fangkong.core.models import Division

from .choices import MemberKind, QuestionType
from .models import Questionnaire, Sweep


class SweepStartForm(forms.Form):
    name = forms.CharField(label=_("排摸名称"), max_length=100)
    areas = forms.ModelMultipleChoiceField(label=_("排摸区域"), queryset=Division.objects.none(),
                                           help_text=_("可多选乡镇（街道）、村（社区）或网格"))
    due_at = forms.DateTimeField(label=_("完成时限"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    questionnaire = forms.ModelChoiceField(label=_("排摸问卷"), queryset=Questionnaire.objects.all(),
                                           empty_label=None)
    max_attempts = forms.IntegerField(label=_("不在家上门次数上限"), min_value=1, max_value=10, initial=3)
    previous = forms.ModelChoiceField(label=_("与哪一轮比较"), queryset=Sweep.objects.none(), required=False,
                                      help_text=_("不选则与本区划上一轮排摸比较"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        here = user.division
        levels = [DivisionLevel.TOWNSHIP, DivisionLevel.VILLAGE, DivisionLevel.GRID]
        self.fields["areas"].queryset = (Division.objects.subtree(here).filter(level__in=levels).order_by("path")
                                         if here is not None else Division.objects.none())
        self.fields["previous"].queryset = Sweep.objects.restrict(user)
        self.fields["due_at"].initial = (timezone.localtime() + timezone.timedelta(days=3)).strftime("%Y-%m-%dT18:00")


class AnswerForm(forms.Form):
    """A form from a questionnaire version: one field per question (the data decides the fields)."""

    def __init__(self, *args: Any, questionnaire: Questionnaire, prefix: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, prefix=prefix, **kwargs)
        self.questionnaire = questionnaire
        for q in questionnaire.questions:
            if q["type"] == QuestionType.BOOL:
                field: forms.Field = forms.BooleanField(label=q["label"], required=False)
            elif q["type"] == QuestionType.CHOICE:
                field = forms.ChoiceField(label=q["label"], choices=[(str(k), v) for k, v in q.get("choices", [])],
                                          widget=forms.RadioSelect, initial=str(q["choices"][0][0]))
            else:
                field = forms.CharField(label=q["label"], required=False, max_length=128)
            self.fields[f"q_{q['key']}"] = field

    def answers(self) -> dict[str, Any]:
        return {k[2:]: v for k, v in self.cleaned_data.items() if k.startswith("q_")}


class MemberForm(AnswerForm):
    phone = forms.CharField(label=_("联系电话（有变化时填写）"), max_length=20, required=False)


class FoundPersonForm(AnswerForm):
    name = forms.CharField(label=_("姓名"), max_length=40)
    kind = forms.ChoiceField(label=_("人员类别"), choices=[(MemberKind.NEW_RESIDENT.value, MemberKind.NEW_RESIDENT.label),
                                                         (MemberKind.VISITOR.value, MemberKind.VISITOR.label)])
    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)

    field_order = ["name", "kind", "id_number", "phone"]


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), max_length=255, required=False)
