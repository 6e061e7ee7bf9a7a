"""Forms of the control area. Labels come from the models (Chinese first)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import MeasureKind
from fangkong.core.identity import InvalidValue, clean_id_number
from fangkong.core.imports import ImportFileField
from fangkong.core.models import User

from .choices import CheckInSource, DoorCheckOutcome, Symptom, TestStatus
from .models import Exposure, PolicyVersion, QuarantineSite, Room, Rule

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class RuleForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = ["priority", "name", "channel", "contact_type", "origin_level", "max_days_since_leaving",
                  "from_abroad", "vaccinated", "test_days", "test_kind"]


class StepForm(forms.Form):
    kind = forms.ChoiceField(label=_("管控措施"), choices=[("", "——"), *MeasureKind.choices], required=False)
    days = forms.IntegerField(label=_("天数"), min_value=1, max_value=60, required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("kind")) != bool(data.get("days")):
            raise ValidationError(_("措施和天数要同时填写"))
        return data


StepFormSet = forms.formset_factory(StepForm, extra=0, min_num=3, max_num=5)


class PolicyDraftForm(forms.ModelForm):
    class Meta:
        model = PolicyVersion
        fields = ["title", "note"]


class StartMeasureForm(forms.ModelForm):
    """Manual start: the person by ID number, what the rules look at, optionally the measure."""

    id_number = forms.CharField(label=_("身份证号"), max_length=18)
    name = forms.CharField(label=_("姓名"), max_length=40, required=False,
                           help_text=_("不在人员库和常住人口中时必填"))
    kind = forms.ChoiceField(label=_("管控措施(无适用规则时)"), choices=[("", _("按方案")), *MeasureKind.choices],
                             required=False)
    site = forms.ModelChoiceField(label=_("隔离点"), queryset=QuarantineSite.objects.none(), required=False)

    class Meta:
        model = Exposure
        fields = ["channel", "contact_type", "origin_province", "origin_city", "origin_county", "origin_township",
                  "origin_community", "left_on", "from_abroad", "vaccinated"]
        widgets = {"left_on": DATE}

    def __init__(self, *args, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sites is not None:
            self.fields["site"].queryset = sites

    def clean_id_number(self) -> str:
        try:
            return clean_id_number(self.cleaned_data["id_number"])
        except InvalidValue as exc:
            raise ValidationError(str(exc)) from None


class CheckInForm(forms.Form):
    temperature = forms.DecimalField(label=_("体温(℃)"), max_digits=3, decimal_places=1, min_value=34, max_value=43,
                                     required=False)
    symptoms = forms.MultipleChoiceField(label=_("症状"), choices=Symptom.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("备注"), max_length=255, required=False)
    source = forms.ChoiceField(label=_("填报人类型"), choices=[c for c in CheckInSource.choices if c[0] != CheckInSource.SELF])


class SelfCheckInForm(forms.Form):
    temperature = CheckInForm.base_fields["temperature"]
    symptoms = CheckInForm.base_fields["symptoms"]
    note = CheckInForm.base_fields["note"]


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("延长天数"), min_value=1, max_value=30)
    reason = forms.CharField(label=_("原因"), max_length=200)
    add_test = forms.BooleanField(label=_("末日加检一次"), required=False, initial=True)


class EarlyReleaseForm(forms.Form):
    reason = forms.CharField(label=_("提前解除原因"), max_length=200)


class AssignRoomForm(forms.Form):
    room = forms.ModelChoiceField(label=_("房间"), queryset=Room.objects.none())

    def __init__(self, *args, rooms=None, **kwargs):
        super().__init__(*args, **kwargs)
        if rooms is not None:
            self.fields["room"].queryset = rooms


class TransferForm(forms.Form):
    site = forms.ModelChoiceField(label=_("目的隔离点"), queryset=QuarantineSite.objects.none())
    from_place = forms.CharField(label=_("出发地"), max_length=255, required=False)
    vehicle = forms.CharField(label=_("车辆"), max_length=32)
    driver = forms.CharField(label=_("司机"), max_length=40, required=False)
    escort = forms.CharField(label=_("随车人员"), max_length=64)
    planned_at = forms.DateTimeField(label=_("计划出发时间"), widget=DATETIME)

    def __init__(self, *args, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sites is not None:
            self.fields["site"].queryset = sites


class DoorCheckForm(forms.Form):
    outcome = forms.ChoiceField(label=_("查看结果"), choices=DoorCheckOutcome.choices)
    note = forms.CharField(label=_("备注"), max_length=255, required=False)


class TestResultForm(forms.Form):
    test = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(label=_("结果"), choices=[c for c in TestStatus.choices if c[0] != TestStatus.PENDING])


class SiteForm(forms.ModelForm):
    """新增隔离点 with the site-staff accounts that run it (offered: those in the user's scope)."""

    class Meta:
        model = QuarantineSite
        fields = ["name", "division", "address", "manager_name", "phone", "active", "staff"]
        widgets = {"staff": forms.CheckboxSelectMultiple}
        help_texts = {"staff": _("隔离点工作人员账号只能看到并办理其所在隔离点的人员")}

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff if staff is not None else User.objects.none()
        self.fields["staff"].label_from_instance = staff_label


class SiteStaffForm(forms.Form):
    """指定隔离点工作人员 on the site's page."""

    staff = forms.ModelMultipleChoiceField(label=_("工作人员"), queryset=User.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff if staff is not None else User.objects.none()
        self.fields["staff"].label_from_instance = staff_label


def staff_label(user: User) -> str:
    return f"{user.full_name or user.username}({user.username})"


class RoomsForm(forms.Form):
    """Add a run of rooms at once: 101–120 on floor 1 with 1 bed each."""

    floor = forms.CharField(label=_("楼层"), max_length=8, required=False)
    first = forms.IntegerField(label=_("起始房间号"), min_value=1)
    last = forms.IntegerField(label=_("结束房间号"), min_value=1)
    beds = forms.IntegerField(label=_("每间床位数"), min_value=1, max_value=8, initial=1)

    def clean(self):
        data = super().clean()
        if data.get("first") and data.get("last") and not (0 <= data["last"] - data["first"] < 500):
            raise ValidationError(_("结束房间号应不小于起始房间号,一次最多500间"))
        return data


class AreaImportForm(forms.Form):
    file = ImportFileField(label=_("名单文件(xlsx / csv)"), required=False)
    text = forms.CharField(label=_("或粘贴名单"), widget=forms.Textarea(attrs={"rows": 8}), required=False,
                           help_text=_("每行:省 市 县(区) 乡镇(街道) 村(社区) 风险等级 生效日期 [解除日期],用制表符或逗号分隔"))
    source = forms.CharField(label=_("来源"), max_length=128, required=False)
    full_list_on = forms.DateField(label=_("完整名单:未列出的风险区于此日解除"), required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("text") or "").strip():
            raise ValidationError(_("请上传文件或粘贴名单"))
        return data


class AreaQueryForm(forms.Form):
    place = forms.CharField(label=_("地点(省 市 县 乡镇 社区,用空格分隔)"), max_length=200)
    on = forms.DateField(label=_("日期"), widget=DATE)
