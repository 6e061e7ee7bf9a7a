"""Forms of the command area: a unit and its members and coverage, a dispatch and the replies to
it, the daily report."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import DivisionLevel, Module, Role
from fangkong.core.models import Division
from fangkong.core.pageforms import ScopedModelForm, scoped_choices

from .choices import DispatchSource, MemberPosition
from .models import Unit

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class UnitForm(ScopedModelForm):
    modules = forms.MultipleChoiceField(label=_("负责排查模块"), choices=Module.choices, required=False,
                                        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Unit
        fields = ["name", "short_name", "kind", "division", "parent", "duties", "modules", "reports_daily",
                  "report_time", "reports_since", "order"]
        widgets = {"report_time": TIME, "reports_since": DATE, "duties": forms.Textarea(attrs={"rows": 3})}


class MemberForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=40, required=False)
    username = forms.CharField(label=_("账号（用户名，可不填）"), max_length=150, required=False)
    position = forms.ChoiceField(label=_("分工"), choices=MemberPosition.choices, initial=MemberPosition.MEMBER)
    title = forms.CharField(label=_("职务"), max_length=64, required=False)
    seconded_from = forms.CharField(label=_("抽调自"), max_length=64, required=False,
                                    help_text=_("从部门抽调的专职人员填写派出单位，如：县卫健局"))
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)


class CoverageForm(forms.Form):
    covers = forms.ModelMultipleChoiceField(label=_("包联区划"), queryset=Division.objects.none(), required=False)
    sectors = forms.ModelMultipleChoiceField(label=_("负责行业"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        from fangkong.sectors.models import Sector

        super().__init__(*args, **kwargs)
        levels = [DivisionLevel.COUNTY, DivisionLevel.TOWNSHIP, DivisionLevel.VILLAGE]
        self.fields["covers"].queryset = scoped_choices("covers", Division.objects.filter(level__in=levels), user)
        self.fields["sectors"].queryset = Sector.objects.all()


class DispatchForm(forms.Form):
    title = forms.CharField(label=_("事项"), max_length=100)
    content = forms.CharField(label=_("交办内容"), widget=forms.Textarea(attrs={"rows": 4}))
    units = forms.ModelMultipleChoiceField(label=_("承办单位"), queryset=Unit.objects.none(),
                                           widget=forms.CheckboxSelectMultiple)
    due_at = forms.DateTimeField(label=_("办结时限"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    evidence = forms.CharField(label=_("须反馈材料"), max_length=200, required=False)
    needs_attachment = forms.BooleanField(label=_("办结须附佐证"), required=False)
    source = forms.ChoiceField(label=_("来源"), choices=DispatchSource.choices, initial=DispatchSource.LEADER)
    source_note = forms.CharField(label=_("来源说明"), max_length=200, required=False)
    sender_unit = forms.ModelChoiceField(label=_("交办单位"), queryset=Unit.objects.none(), required=False,
                                         help_text=_("以工作组、专班名义交办时选择（须为本组组长、副组长）"))

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.restrict(user).select_related("division")
        self.fields["units"].queryset = units
        self.fields["sender_unit"].queryset = units if user.has_role(Role.COMMAND_CENTER) else Unit.led_by(user)


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("情况说明"), widget=forms.Textarea(attrs={"rows": 3}))


class ReturnForm(forms.Form):
    text = forms.CharField(label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 2}))
    due_at = forms.DateTimeField(label=_("新的办结时限（可不填）"), widget=DATETIME, required=False,
                                 input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])


class SignOffForm(forms.Form):
    text = forms.CharField(label=_("销号意见"), required=False, max_length=200)


REPORT_KINDS = (("lines", _("有情况报告")), ("zero", _("零报告（当日无情况）")))


class ReportForm(forms.Form):
    """The daily report: 有情况 or 零报告 must be chosen; nothing is assumed."""

    kind = forms.ChoiceField(label=_("报告类型"), choices=REPORT_KINDS, widget=forms.RadioSelect,
                             error_messages={"required": _("请选择“有情况报告”或“零报告”，零报告须明确报送")})
    content = forms.CharField(label=_("情况报告"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
