"""The county report's sentences on venues and inspections, for any date, each number a link to
the list of what it counts (figures from `fangkong.metrics.sectors`)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from fangkong.core.views.generic import ScopedView
from fangkong.metrics import catalog
from fangkong.metrics.events import event_figures, event_sentence
from fangkong.metrics.resumption import resumption_figures, resumption_sentence
from fangkong.metrics.sectors import inspection_figures, inspection_sentence, venue_figures, venue_sentence
from fangkong.metrics.sentinels import report_sentence

from ..models import Venue


class DateForm(forms.Form):
    date = forms.DateField(label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    since = forms.DateField(label=_("哨点报告起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            help_text=_("“N月N日以来累计报告N名发热病人”的起始日期，缺省为当月1日"))


class SectorReportView(ScopedView, View):
    model = Venue
    template_name = "sectors/report.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        form = DateForm(request.GET or None)
        day = form.cleaned_data.get("date") if form.is_valid() else None
        day = day or today
        user = request.user
        year = inspection_figures(user, dt.date(day.year, 1, 1), day)
        since = (form.cleaned_data.get("since") if form.is_valid() else None) or day.replace(day=1)
        return render(request, self.template_name, {
            "form": form, "day": day,
            "venues": venue_sentence(venue_figures(user, day)),
            "inspections": inspection_sentence(inspection_figures(user, day, day), year, today=today),
            # 红白事: the week up to the chosen day
            "events": event_sentence(event_figures(user, day - dt.timedelta(days=6), day)),
            "resumption": resumption_sentence(resumption_figures(user, dt.date(day.year, 1, 1), day)),
            "sentinels": report_sentence(user, since, day),
            "metrics": [catalog.get(n) for n in ("sectors.venues", "sectors.inspected", "sectors.rectify",
                                                   "sectors.suspend", "sectors.sentinels", "sectors.sentinel_reported",
                                                   "sectors.sentinel_handled", "events.reported", "events.supervised",
                                                   "events.checked", "events.flagged", "resumption.applied",
                                                   "resumption.due")],
            **checkpoint_context(user, day)})


def checkpoint_context(user, day: dt.date) -> dict:
    """001's sentence on the first line of defence, since the first of the selected day's month."""
    from fangkong.core.scoping import user_may
    from fangkong.metrics.checkpoints import border_figures, border_sentence

    from ..models import Checkpoint

    if not user_may(Checkpoint, user, "view"):  # a regulator: venues only, no link to lists they may not open
        return {}
    return {"checkpoints": border_sentence(border_figures(user, day.replace(day=1), day)),
            "checkpoint_metrics": [catalog.get(n) for n in ("checkpoints.border", "checkpoints.vehicles",
                                                              "checkpoints.people")]}
