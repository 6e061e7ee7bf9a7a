from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import POOL_SIZES


class UploadForm(forms.Form):
    file = forms.FileField(label=_("结果文件(csv / xlsx)"))
    lab = forms.CharField(label=_("检测机构"), max_length=100, required=False)

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".csv", ".xlsx", ".xlsm")):
            raise forms.ValidationError(_("只支持 csv 或 xlsx 文件"))
        return f


class PlanningForm(forms.Form):
    population = forms.IntegerField(label=_("应检人数"), min_value=1, initial=300000)
    prevalence_per_10k = forms.FloatField(label=_("预计阳性率(每万人)"), min_value=0, max_value=10000, initial=5)
    pool_size = forms.TypedChoiceField(label=_("混采人数"), choices=[(k, f"{k}合1" if k > 1 else "单采")
                                                                  for k in POOL_SIZES], coerce=int, initial=10)
