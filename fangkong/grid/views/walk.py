"""The grid worker's phone pages: my sweeps, my households in walking order, one household."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from fangkong.core.errors import ActionFailed, call_action
from fangkong.core.scoping import CHANGE, VIEW
from fangkong.core.views.generic import ObjectDetailView, ObjectListView, ScopedView
from fangkong.registry.choices import ResidentStatus
from fangkong.registry.models import Resident

from .. import actions
from ..choices import UNVISITED, MemberKind, SweepStatus, VisitStatus
from ..filtersets import MemberAnswerFilterSet, VisitFilterSet
from ..forms import FoundPersonForm, MemberForm, NoteForm
from ..models import MemberAnswer, Sweep, Visit
from ..roles import WALKERS
from ..tables import MemberAnswerTable, VisitTable

LIVING = (ResidentStatus.PRESENT, ResidentStatus.AWAY)
# The household's own actions, by the URL's last segment.
MEMBER, FOUND = "member", "found"
NOTE_ACTIONS = {"not_home": actions.do_record_not_home, "refused": actions.do_record_refused}


class MySweepsView(ScopedView, View):
    """我的排摸: open sweeps with households of mine, and how many are left."""

    model = Visit
    scope_action = VIEW

    def get(self, request):
        mine = Visit.objects.restrict(request.user).filter(sweep__status=SweepStatus.OPEN)
        counts = {r["sweep_id"]: r for r in mine.order_by().values("sweep_id").annotate(
            total=Count("id"), left=Count("id", filter=Q(status__in=UNVISITED)))}
        sweeps = list(Sweep.objects.filter(pk__in=list(counts)).order_by("due_at"))
        for s in sweeps:
            s.mine, s.left = counts[s.pk]["total"], counts[s.pk]["left"]
        return render(request, "grid/my_sweeps.html", {"sweeps": sweeps, "now": timezone.now(),
                                                       "offline_app": request.user.has_role(*WALKERS)})


class MyHouseholdsView(ScopedView, View):
    """One sweep's households of mine, building by building (the registry address), those still
    to walk first unless all are asked for."""

    model = Visit
    scope_action = VIEW

    def get(self, request, pk: int):
        sweep = get_object_or_404(Sweep.objects.restrict(request.user), pk=pk)
        show_all = request.GET.get("all") == "1"
        visits = Visit.objects.restrict(request.user).filter(sweep=sweep).select_related("household")
        if not show_all:
            visits = visits.filter(status__in=UNVISITED)
        visits = visits.order_by("grid_id", "address", "id")[:500]
        return render(request, "grid/my_households.html", {"sweep": sweep, "visits": visits, "show_all": show_all})


class VisitDetailView(ObjectDetailView):
    """One household of a sweep on the phone: each member in one tap, not at home, refused, a
    person found. Also the visit's detail page for the cadres."""

    model, table = Visit, VisitTable
    template_name = "grid/visit.html"

    def get(self, request, pk: int):
        visit = self.get_object()
        q = visit.sweep.questionnaire
        done = {a.resident_id: a for a in MemberAnswer.objects.filter(visit=visit).order_by("id")}
        members = list(Resident.objects.filter(household_id=visit.household_id, status__in=LIVING).order_by("id"))
        for m in members:
            m.answer = done.get(m.pk)
            m.form = MemberForm(questionnaire=q, prefix=f"m{m.pk}")
        found = [a for a in done.values() if a.kind != MemberKind.REGISTERED]
        open_ = visit.sweep.status == SweepStatus.OPEN and visit.is_in_scope(request.user, CHANGE)
        return render(request, self.template_name, {
            "object": visit, "visit": visit, "members": members, "found": found, "may_record": open_,
            "is_open": visit.status in UNVISITED, "found_form": FoundPersonForm(questionnaire=q, prefix="f"),
            "statuses": VisitStatus, **self.links(visit)})


class VisitActionView(ScopedView, View):
    """POST: one member (one tap, or the form), not at home, refused, a person found."""

    model = Visit
    scope_action = CHANGE
    http_method_names = ["post"]

    def post(self, request, pk: int, what: str, resident: int | None = None):
        visit = self.get_object()
        back = HttpResponseRedirect(reverse("grid:visit", args=[visit.pk]))
        q = visit.sweep.questionnaire
        try:
            if what == MEMBER:
                member = get_object_or_404(Resident.objects.restrict(request.user), pk=resident)
                if request.POST.get("unchanged"):
                    call_action(request, actions.do_record_member, visit, member, acting_user=request.user,
                                success=_("已登记：%(name)s 无异常") % {"name": member.name})
                else:
                    form = MemberForm(request.POST, questionnaire=q, prefix=f"m{member.pk}")
                    if not form.is_valid():
                        return _invalid(request, form, back)
                    call_action(request, actions.do_record_member, visit, member, form.answers(),
                                acting_user=request.user, phone=form.cleaned_data["phone"],
                                success=_("已登记：%(name)s") % {"name": member.name})
            elif what == FOUND:
                form = FoundPersonForm(request.POST, questionnaire=q, prefix="f")
                if not form.is_valid():
                    return _invalid(request, form, back)
                d = form.cleaned_data
                call_action(request, actions.do_add_found_person, visit, acting_user=request.user, name=d["name"],
                            kind=d["kind"], id_number=d["id_number"], phone=d["phone"], answers=form.answers(),
                            success=_("已新增人员：%(name)s") % {"name": d["name"]})
            elif what in NOTE_ACTIONS:
                form = NoteForm(request.POST)
                note = form.cleaned_data["note"] if form.is_valid() else ""
                call_action(request, NOTE_ACTIONS[what], visit, acting_user=request.user, note=note,
                            success=_("已登记"))
                return HttpResponseRedirect(reverse("grid:my_households", args=[visit.sweep_id]))
        except ActionFailed:
            pass
        return back


def _invalid(request, form, back):
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, e)
    return back


class VisitListView(ObjectListView):
    """排摸户: the households of the sweeps in scope; `?unvisited=true&division=…` is a grid's
    unvisited list, and the coverage page's numbers open it with their status."""

    model, table, filterset_class = Visit, VisitTable, VisitFilterSet


class MemberAnswerListView(ObjectListView):
    """排摸人员登记: every person recorded; `?registry_updated=true` is the administrators' review
    of what sweeps changed in the registry."""

    model, table, filterset_class = MemberAnswer, MemberAnswerTable, MemberAnswerFilterSet


class MemberAnswerDetailView(ObjectDetailView):
    model, table = MemberAnswer, MemberAnswerTable
    template_name = "grid/answer_detail.html"

    def get(self, request, pk: int):
        ans = self.get_object()
        return render(request, self.template_name, {"object": ans, "answers": ans.questionnaire.display(ans.answers),
                                                    **self.links(ans)})
