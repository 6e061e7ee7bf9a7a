"""Working pages: my tasks (phone view), task detail with its actions, lists, door screening."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from fangkong.core import audit
from fangkong.core.actions import may
from fangkong.core.choices import DivisionLevel, Role
from fangkong.core.errors import ActionFailed, call_action
from fangkong.core.models import Division
from fangkong.core.pii import may_see_full_pii
from fangkong.core.scoping import ADD, CHANGE

from .. import actions
from ..choices import BoardMetric, Channel, Stage, VerificationStatus
from ..filtersets import BY_DEADLINE, TASK_METRICS, VerificationFilterSet
from ..forms import AttemptForm, DoorScreeningForm, OutcomeForm, ReviewForm
from ..models import Lead, Verification
from ..reports import metric_queryset, scoped
from .assign import may_assign, picker_context


class TelRedirect(HttpResponseRedirect):
    allowed_schemes = ["tel"]


def _parse_date(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _division_param(request) -> Division | None:
    pk = request.GET.get("township") or request.GET.get("division")
    if not pk or not request.user.division_id:
        return None
    if not pk.isdigit():
        raise Http404
    own = request.user.division
    # A township above a village cadre's own division (the board's township rows): what they may
    # see of it is their own subtree.
    above = Division.objects.filter(pk=pk).values_list("path", flat=True).first()
    if above is not None and own.path.startswith(above):
        return own
    return get_object_or_404(Division.objects.subtree(own), pk=pk)


class MyTasksView(LoginRequiredMixin, ListView):
    """我的核查任务: open tasks in the user's scope, nearest deadline first (375 px friendly)."""

    template_name = "screening/my_tasks.html"
    paginate_by = 50

    def get_queryset(self):
        qs = (Verification.objects.restrict(self.request.user, "change").exclude(status=VerificationStatus.CLOSED)
              .select_related("person", "division").order_by(*BY_DEADLINE))
        if not self.request.user.has_role(Role.GRID_WORKER) and self.request.GET.get("all") != "1":
            qs = qs.filter(assignee=self.request.user)
        return qs

    def get_context_data(self, **kwargs):
        # The grid line's offline app (离线填报) is for those who walk the doors.
        offline_app = self.request.user.has_role(Role.GRID_WORKER, Role.VILLAGE_CADRE)
        return super().get_context_data(now=timezone.now(), offline_app=offline_app, **kwargs)


class VerificationListView(LoginRequiredMixin, ListView):
    """Any board number's list and the task lists: `VerificationFilterSet` (metric, channel, status,
    township / division subtree, the county's 待分派 queue, assignee, overdue, dates, search), or
    ?queue=unassigned (open tasks without a responsible person). Assigners tick tasks to reassign."""

    template_name = "screening/verification_list.html"
    paginate_by = 50

    def get_queryset(self):
        user, g = self.request.user, self.request.GET
        self.division = _division_param(self.request)  # a division out of scope: 404
        qs = scoped(Verification, user, self.division)
        self.filterset = VerificationFilterSet(g or None, queryset=qs, request=self.request)
        qs = self.filterset.qs
        if g.get("queue") == "unassigned":
            qs = qs.filter(assignee__isnull=True).exclude(status=VerificationStatus.CLOSED)
        return qs.select_related("person", "division", "assignee").order_by(*BY_DEADLINE)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        g, user = self.request.GET, self.request.user
        metric = g.get("metric", "")
        params = g.copy()
        params.pop("page", None)
        params.pop("dq", None)
        division = self.division
        can_assign = may_assign(user)
        ctx.update(now=timezone.now(), metric_label=BoardMetric(metric).label if metric in BoardMetric.values else "",
                   query=params.urlencode(), filter=self.filterset, g=g, can_assign=can_assign,
                   chosen_division=division,
                   townships=Division.objects.subtree(user.division).filter(level=DivisionLevel.TOWNSHIP)
                   if user.division_id else [],
                   filtered=any(v for k, v in g.items() if k not in ("page", "dq")),
                   advanced=any(v for k, v in g.items() if k not in ("page", "dq", "q")),
                   statuses=VerificationStatus.choices, channels=Channel.choices, metrics=TASK_METRICS,
                   filter_picker=picker_context(user, key="filter"),
                   picker=picker_context(user, key="bulk") if can_assign else None,
                   here=self.request.get_full_path())
        return ctx


class LeadListView(LoginRequiredMixin, ListView):
    """线索 received in a date range (the board's 今日接收 number)."""

    template_name = "screening/lead_list.html"
    paginate_by = 50

    def get_queryset(self):
        g, today = self.request.GET, timezone.localdate()
        start, end = _parse_date(g.get("start"), today), _parse_date(g.get("end"), today)
        qs = metric_queryset(BoardMetric.RECEIVED, self.request.user, start, end, division=_division_param(self.request))
        if g.get("channel") in Channel.values:
            qs = qs.filter(channel=g["channel"])
        if g.get("batch"):
            qs = qs.filter(batch_id=g["batch"])
        if g.get("county_queue") == "true":  # the board's 县级待分派 row: leads still at the county
            qs = qs.filter(division_id__in=Division.objects.filter(level=DivisionLevel.COUNTY).values("pk"))
        return qs.select_related("person", "division", "verification").order_by("-received_at", "-id")


def _task(request, pk: int, action: str = "view") -> Verification:
    qs = Verification.objects.restrict(request.user, action).select_related("person", "division", "assignee")
    return get_object_or_404(qs, pk=pk)


@login_required
def verification_detail(request, pk: int):
    v = _task(request, pk)
    user = request.user
    can_change = may(user, v, CHANGE)
    ctx = {
        "v": v, "now": timezone.now(), "leads": v.leads.all(), "attempts": v.attempts.select_related("by"),
        "reviews": v.reviews.select_related("by"), "can_change": can_change,
        "can_review": v.status == VerificationStatus.SUBMITTED and user.has_role(Role.REVIEWER, Role.COMMAND_CENTER),
        "attempt_form": AttemptForm(), "outcome_form": OutcomeForm(), "review_form": ReviewForm(),
        "stages": Stage.choices,
        "picker": picker_context(user) if may_assign(user) and v.status != VerificationStatus.CLOSED else None,
        "person_url": reverse("screening:person", args=[v.person_id]),
    }
    return render(request, "screening/verification_detail.html", ctx)


@login_required
@require_POST
def call(request, pk: int):
    """One tap to call: reveals the phone (audited) and hands it to the phone's dialler. A POST
    (a button with the CSRF token), never a plain GET: a link followed by a prefetch, a crawler or
    another site must not reveal a number."""
    v = _task(request, pk, "change")
    if not may_see_full_pii(request.user) or not v.person.phone:
        raise Http404
    audit.record_pii_view(v.person, ["phone"])
    return TelRedirect(f"tel:{v.person.phone}")


def _act(request, pk: int, fn) -> HttpResponseRedirect:
    """Run an action on a task in scope, errors mapped once by `core.errors.call_action`."""
    v = _task(request, pk)
    try:
        call_action(request, fn, v, success=_("已保存"))
    except ActionFailed:
        pass  # its messages are shown; back to the task
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(nxt)
    return redirect("screening:verification", pk=pk)


@require_POST
@login_required
def record_attempt(request, pk: int):
    form = AttemptForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("联系情况无效"))
    return _act(request, pk, lambda v: actions.do_record_attempt(v, form.cleaned_data["kind"], form.cleaned_data["note"],
                                                                 acting_user=request.user))


@require_POST
@login_required
def mark_stage(request, pk: int):
    stage = request.POST.get("stage", "")
    if stage not in Stage.values:
        raise Http404
    return _act(request, pk, lambda v: actions.do_mark_stage(v, stage, acting_user=request.user))


@require_POST
@login_required
def submit_outcome(request, pk: int):
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择核查结果"))
        return redirect("screening:verification", pk=pk)
    d = form.cleaned_data
    return _act(request, pk, lambda v: actions.do_submit_outcome(
        v, d["outcome"], measure_kind=d["measure_kind"], reason=d["reason"], place=d["place"],
        request_assist=d["request_assist"], acting_user=request.user))


@require_POST
@login_required
def review(request, pk: int):
    form = ReviewForm(request.POST)
    if not form.is_valid():
        raise Http404
    return _act(request, pk, lambda v: actions.do_review(v, form.cleaned_data["decision"], form.cleaned_data["comment"],
                                                         acting_user=request.user))


@require_POST
@login_required
def reassign(request, pk: int):
    division_pk = request.POST.get("division", "")
    division = Division.objects.filter(pk=division_pk).first() if division_pk.isdigit() else None
    if division is None:
        messages.error(request, _("请选择要分派到的区划"))
        return redirect("screening:verification", pk=pk)
    # Out of the user's subtree: refused by the action with its message.
    return _act(request, pk, lambda v: actions.do_reassign(v, division, acting_user=request.user))


@login_required
def door_screening(request):
    """主动排查: a grid worker records someone found at the door; it becomes a lead at once."""
    if not may(request.user, Lead, ADD):
        raise PermissionDenied
    form = DoorScreeningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        lead, created = actions.do_submit_lead(form.lead_input(), channel=Channel.GRID_SCREENING,
                                               acting_user=request.user)
        if lead and lead.verification_id and Verification.objects.restrict(request.user).filter(
                pk=lead.verification_id).exists():
            messages.success(request, _("已登记,核查任务已生成") if created else _("该人员此前已登记"))
            return redirect("screening:verification", pk=lead.verification_id)
        # No task the user may open (one outside their scope): the same answer as when the lead made
        # no task, and no link to it (its 404 would tell that the person has a task elsewhere).
        messages.success(request, _("已登记"))
        return redirect("screening:my_tasks")
    return render(request, "screening/door_screening.html", {"form": form})


def lead_or_404(request, pk: int) -> Lead:
    return get_object_or_404(Lead.objects.restrict(request.user), pk=pk)
