"""Forms of the 四对一 teams and the notices."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import DivisionLevel
from fangkong.core.models import Division, User
from fangkong.core.pageforms import ScopedModelForm, scoped_choices

from .choices import CheckResult, NoticeAudience
from .models import CareTemplate, Sweep


class CareTemplateForm(ScopedModelForm):
    class Meta:
        model = CareTemplate
        fields = ["measure_kind", "role", "item", "every_hours", "active"]


class CareCheckForm(forms.Form):
    result = forms.ChoiceField(label=_("结果"), choices=CheckResult.choices, initial=CheckResult.ABNORMAL)
    note = forms.CharField(
        label=_("情况说明"),
        max_length=255,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("异常时必填：如体温37.8℃、门磁报警、生活物资短缺"),
    )


class AssignMemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("人员账号"), queryset=User.objects.none(), required=False)
    name = forms.CharField(label=_("姓名（无账号时）"), max_length=40, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)

    def __init__(self, *args: Any, division: Division | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if division is not None:
            # Whoever's own area holds the person: their grid, village, township or the county.
            paths = [*division.ancestor_paths, division.path]
            self.fields["user"].queryset = (
                User.objects.filter(is_active=True, division__path__in=paths, roles__isnull=False)
                .distinct()
                .order_by("division__path", "pk")
            )


class NoticeForm(forms.Form):
    audience = forms.ChoiceField(label=_("通知对象"), choices=NoticeAudience.choices)
    division = forms.ModelChoiceField(
        label=_("通知范围"),
        queryset=Division.objects.none(),
        help_text=_("本人辖区或其下级；通知村/社区居民时选一个村（社区）"),
    )
    sweep = forms.ModelChoiceField(
        label=_("排摸（通知排摸风险答复时）"), queryset=Sweep.objects.none(), required=False
    )
    text = forms.CharField(label=_("通知内容"), max_length=500, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = scoped_choices(
            "division", Division.objects.exclude(level=DivisionLevel.GRID), user
        )
        self.fields["sweep"].queryset = (
            Sweep.objects.restrict(user).order_by("-created_at") if user else Sweep.objects.none()
        )
