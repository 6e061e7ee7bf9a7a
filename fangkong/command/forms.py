"""Forms of the command area: a unit and its members and coverage, a dispatch and the replies to
it, the daily report, supervision (a visit, a finding, its rectification and re-check) and duty (a
shift, a swap, a log entry, the handover)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import DivisionLevel, Module, Role
from fangkong.core.models import Division, User
from fangkong.core.pageforms import ScopedModelForm, scoped_choices
from fangkong.core.scoping import in_subtree

from .choices import DispatchSource, DutyRole, FindingCategory, FindingSeverity, MemberPosition, UnitKind
from .models import DutyShift, SupervisionVisit, Unit

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


DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def people(user):
    """Active accounts the user may put on a roster: those of their own division's subtree."""
    if user is None or not getattr(user, "division_id", None):
        return User.objects.none()
    return in_subtree(User.objects.filter(is_active=True), "division", user.division).order_by("username")


class SupervisionVisitForm(ScopedModelForm):
    class Meta:
        model = SupervisionVisit
        fields = ["group", "unit", "division", "day", "unannounced", "members", "places", "summary"]
        widgets = {"day": DATE, "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = self.fields["group"].queryset.filter(kind=UnitKind.SUPERVISION)
        self.fields["division"].required = False
        self.fields["division"].help_text = _("不填即为被督导单位所在区划")


class FindingForm(forms.Form):
    category = forms.ChoiceField(label=_("问题类别"), choices=FindingCategory.choices)
    severity = forms.ChoiceField(label=_("严重程度"), choices=FindingSeverity.choices, initial=FindingSeverity.MINOR)
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(label=_("现场照片（可不传）"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))


class RectifyForm(forms.Form):
    due_at = forms.DateTimeField(label=_("整改时限"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    content = forms.CharField(label=_("整改要求"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RecheckForm(forms.Form):
    passed = forms.TypedChoiceField(label=_("复查结论"), choices=(("1", _("复查通过")), ("0", _("复查未通过，退回整改"))),
                                    coerce=lambda v: v == "1", widget=forms.RadioSelect,
                                    error_messages={"required": _("请选择复查结论")})
    note = forms.CharField(label=_("复查意见"), required=False, max_length=200)
    due_at = forms.DateTimeField(label=_("新的整改时限（未通过时可填）"), widget=DATETIME, required=False,
                                 input_formats=DATETIME_FORMATS)


class DutyShiftForm(ScopedModelForm):
    class Meta:
        model = DutyShift
        fields = ["unit", "day", "start", "end", "leader", "officer"]
        widgets = {"day": DATE, "start": TIME, "end": TIME}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("leader", "officer"):
            self.fields[name].queryset = people(self.user)


class SwapForm(forms.Form):
    role = forms.ChoiceField(label=_("岗位"), choices=DutyRole.choices)
    to_user = forms.ModelChoiceField(label=_("替班人"), queryset=User.objects.none())
    reason = forms.CharField(label=_("调班原因"), max_length=200)

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = people(user)


class DutyLogForm(forms.Form):
    caller = forms.CharField(label=_("来电（来文）单位及人员"), max_length=100)
    caller_phone = forms.CharField(label=_("来电号码"), max_length=20, required=False)
    content = forms.CharField(label=_("主要内容"), widget=forms.Textarea(attrs={"rows": 2}))
    handling = forms.CharField(label=_("处理情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HandoverForm(forms.Form):
    note = forms.CharField(label=_("交接班记录"), widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("本班未办结事项、需下一班跟进的情况"))
