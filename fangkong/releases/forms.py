"""Forms of the release pages: a draft (or its correction) and a return with its reason."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.tracing.models import Case

from .choices import ReleaseKind


class DraftForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=ReleaseKind.choices)
    title = forms.CharField(label=_("标题"), max_length=120)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 12}))
    case = forms.ModelChoiceField(
        label=_("关联病例"),
        queryset=Case.objects.none(),
        required=False,
        help_text=_("病例通报和活动轨迹选择病例，用于核对个人信息"),
    )

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = Case.objects.restrict(user)


class CorrectionForm(forms.Form):
    title = forms.CharField(label=_("更正标题"), max_length=120)
    body = forms.CharField(label=_("更正内容"), widget=forms.Textarea(attrs={"rows": 8}))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), max_length=200)


class RemarkForm(forms.Form):
    remark = forms.CharField(label=_("意见"), max_length=200, required=False)
