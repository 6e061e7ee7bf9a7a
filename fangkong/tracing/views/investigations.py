"""The investigation workspace (a laptop during a phone interview): milestones on the clock,
core facts, the itinerary with its gaps and overlaps, contacts, the report and the public itinerary."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from fangkong.core.actions import may
from fangkong.core.errors import ActionFailed, call_action
from fangkong.core.scoping import CHANGE
from fangkong.core.views.generic import ModelPages, ObjectActionView, ObjectDetailView, ScopedView

from .. import actions, itinerary
from ..choices import ContactSource, InvestigationStatus
from ..filtersets import InvestigationFilterSet
from ..forms import ContactForm, FactsForm, PublishForm, ReportForm, SegmentForm
from ..models import Investigation, Milestone, Segment
from ..tables import InvestigationTable


class Workspace:
    """The workspace's context, for its page and for a form posted back with errors."""

    template_name = "tracing/investigation.html"
    request: HttpRequest

    def context(self, investigation: Investigation, **forms_: forms.Form | None) -> dict[str, Any]:
        user = self.request.user
        editable = investigation.status == InvestigationStatus.OPEN and may(user, investigation, CHANGE)
        segments = list(investigation.segments.select_related("venue"))
        case = investigation.case
        return {
            "object": investigation, "case": case, "now": timezone.now(), "editable": editable,
            "milestones": investigation.milestones.all(),
            "rows": itinerary.flag_segments(segments, itinerary.look_back(investigation)), "missing_days": itinerary.missing_days(investigation, segments),
            "contacts": case.contacts.select_related("plan__protocol", "via").order_by("category", "id"),
            "facts_form": forms_.get("facts_form") or (FactsForm(instance=investigation) if editable else None),
            "segment_form": forms_.get("segment_form") or (SegmentForm(user=user, initial={
                "on": segments[-1].on if segments else case.look_back_from}) if editable else None),
            "contact_form": forms_.get("contact_form") or (ContactForm(investigation=investigation)
                                                            if editable else None),
            "publish_form": forms_.get("publish_form") or PublishForm(initial={
                "text": itinerary.public_text(investigation)}),
            "report_form": ReportForm(), "problems": forms_.get("problems") or [],
            **self.links(investigation)}  # type: ignore[attr-defined]


class InvestigationDetailView(Workspace, ObjectDetailView):
    template_name = "tracing/investigation.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return render(request, self.template_name, self.context(self.get_object()))


class InvestigationPages(ModelPages):
    model = Investigation
    table = InvestigationTable
    filterset_class = InvestigationFilterSet

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        out["detail"] = type("InvestigationPagesDetail", (InvestigationDetailView,),
                             {"model": Investigation, "table": InvestigationTable})
        return out


class _WorkspacePost(Workspace, ScopedView, View):
    """A form of the workspace: on success back to the page (at its section), else the page with errors."""

    scope_action = CHANGE
    http_method_names = ["post"]
    anchor = ""

    def done(self, investigation: Investigation) -> HttpResponse:
        return HttpResponseRedirect(reverse("tracing:investigation", args=[investigation.pk]) + self.anchor)

    def again(self, investigation: Investigation, **forms_: Any) -> HttpResponse:
        return render(self.request, self.template_name, self.context(investigation, **forms_), status=400)


class SaveFacts(_WorkspacePost):
    model, anchor = Investigation, "#facts"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        investigation = self.get_object()
        form = FactsForm(request.POST)
        if not form.is_valid():
            return self.again(investigation, facts_form=form)
        call_action(request, actions.do_save_investigation, investigation, acting_user=request.user,
                    success=_("已保存"), **form.cleaned_data)
        return self.done(investigation)


class AddSegment(_WorkspacePost):
    model, anchor = Investigation, "#itinerary"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        investigation = self.get_object()
        form = SegmentForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.again(investigation, segment_form=form)
        try:
            call_action(request, actions.do_add_segment, investigation, acting_user=request.user, form=form,
                        success=_("已录入一段轨迹"), **form.cleaned_data)
        except ActionFailed:
            return self.again(investigation, segment_form=form)
        return self.done(investigation)


class AddContact(_WorkspacePost):
    model, anchor = Investigation, "#contacts"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        investigation = self.get_object()
        form = ContactForm(request.POST, investigation=investigation)
        if not form.is_valid():
            return self.again(investigation, contact_form=form)
        data = dict(form.cleaned_data)
        source = ContactSource.NAMED if data.pop("named") else ContactSource.INVESTIGATION
        try:
            call_action(request, actions.do_add_contact, investigation.case, acting_user=request.user, form=form,
                        source=source, success=_("已判定并推送核查"), **data)
        except ActionFailed:
            return self.again(investigation, contact_form=form)
        return self.done(investigation)


class PublishItinerary(_WorkspacePost):
    model, anchor = Investigation, "#public"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        investigation = self.get_object()
        form = PublishForm(request.POST)
        if not form.is_valid():
            return self.again(investigation, publish_form=form)
        problems = itinerary.lint_public(form.cleaned_data["text"], investigation.case)
        if problems:
            return self.again(investigation, publish_form=form, problems=problems)
        call_action(request, actions.do_publish_itinerary, investigation, acting_user=request.user,
                    success=_("公开轨迹已通过检查，可以发布"), **form.cleaned_data)
        return self.done(investigation)


class ReportView(ScopedView, View):
    """GET `?kind=initial|progress|closing`: the report as .docx."""

    model = Investigation

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        investigation = self.get_object()
        form = ReportForm(request.GET)
        kind = form.cleaned_data["kind"] if form.is_valid() else "initial"
        content = call_action(request, actions.do_generate_report, investigation, kind=kind, acting_user=request.user)
        response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument"
                                                      ".wordprocessingml.document")
        response["Content-Disposition"] = f'attachment; filename="report-{investigation.case.code}-{kind}.docx"'
        return response


class CloseInvestigation(ObjectActionView):
    model = Investigation
    action = actions.do_close_investigation
    success = gettext_lazy("已结案")


class CompleteMilestone(ObjectActionView):
    model = Milestone
    action = actions.do_complete_milestone
    success = gettext_lazy("节点已完成")

    def back(self, obj: Milestone) -> str:
        return reverse("tracing:investigation", args=[obj.investigation_id])


class DeleteSegment(ObjectActionView):
    model = Segment
    action = actions.do_delete_segment
    success = gettext_lazy("已删除该段轨迹")

    def back(self, obj: Segment) -> str:
        return reverse("tracing:investigation", args=[obj.investigation_id]) + "#itinerary"
