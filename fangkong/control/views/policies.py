from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from fangkong.core.views.generic import ObjectListView

from .. import actions
from .. import rules as R
from ..choices import PolicyStatus
from ..filtersets import PolicyVersionFilterSet
from ..forms import PolicyDraftForm, RuleForm, StepFormSet
from ..models import Measure, PolicyVersion, Rule
from ..roles import POLICY_EDITORS
from ..tables import PolicyVersionTable
from .base import ControlMixin, run_action

PREVIEW_ROWS = 200


class PolicyListView(ControlMixin, ObjectListView):
    """防控方案: every version (PolicyVersionFilterSet shared with the API; export through
    PolicyVersionTable)."""

    model = PolicyVersion
    table = PolicyVersionTable
    filterset_class = PolicyVersionFilterSet
    template_name = "control/policy_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["may_edit"] = bool(self.request.user.role_names & POLICY_EDITORS)
        return ctx


class PolicyDetailView(ControlMixin, TemplateView):
    template_name = "control/policy_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        version = get_object_or_404(PolicyVersion.objects.restrict(self.request.user), pk=kwargs["pk"])
        ctx.update(version=version, rules=R.version_rules(version),
                   may_edit=bool(self.request.user.role_names & POLICY_EDITORS),
                   is_draft=version.status == PolicyStatus.DRAFT, draft_form=PolicyDraftForm(instance=version))
        return ctx


class PolicyDraftView(ControlMixin, View):
    """新建草稿: copy the version in force (or the given one)."""

    allowed_roles = POLICY_EDITORS

    def post(self, request, pk: int | None = None):
        source = get_object_or_404(PolicyVersion.objects.restrict(request.user), pk=pk) if pk else PolicyVersion.in_force()
        draft, resp = run_action(request, actions.do_create_draft, source, title=request.POST.get("title", ""),
                                 acting_user=request.user, success="已新建草稿", back="control:policies")
        return redirect("control:policy", draft.pk) if draft else resp


class RuleEditView(ControlMixin, View):
    """A rule of a draft with its sequence of measures (up to five steps)."""

    allowed_roles = POLICY_EDITORS
    template_name = "control/rule_form.html"

    def _objects(self, request, version_pk, pk):
        version = get_object_or_404(PolicyVersion.objects.restrict(request.user, "change"), pk=version_pk)
        rule = get_object_or_404(Rule.objects.filter(version=version), pk=pk) if pk else Rule(version=version)
        return version, rule

    def get(self, request, version_pk: int, pk: int | None = None):
        version, rule = self._objects(request, version_pk, pk)
        initial = [{"kind": k, "days": d} for k, d in (rule.plan() if rule.pk else [])]
        return render(request, self.template_name, {"version": version, "rule": rule, "form": RuleForm(instance=rule),
                                                    "steps": StepFormSet(initial=initial, prefix="steps")})

    def post(self, request, version_pk: int, pk: int | None = None):
        version, rule = self._objects(request, version_pk, pk)
        form, steps = RuleForm(request.POST, instance=rule), StepFormSet(request.POST, prefix="steps")
        if form.is_valid() and steps.is_valid():
            plan = [(f.cleaned_data["kind"], f.cleaned_data["days"]) for f in steps if f.cleaned_data.get("kind")]
            try:
                actions.do_save_rule(form.instance, plan, acting_user=request.user)
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
            else:
                messages.success(request, f"已保存规则:{form.instance.name}")
                return redirect("control:policy", version.pk)
        return render(request, self.template_name, {"version": version, "rule": rule, "form": form, "steps": steps})


class RuleDeleteView(ControlMixin, View):
    allowed_roles = POLICY_EDITORS

    def post(self, request, version_pk: int, pk: int):
        version = get_object_or_404(PolicyVersion.objects.restrict(request.user, "change"), pk=version_pk)
        rule = get_object_or_404(Rule.objects.filter(version=version), pk=pk)
        return run_action(request, actions.do_delete_rule, rule, acting_user=request.user, success="已删除规则",
                          back=reverse("control:policy", args=[version.pk]))[1]


class PolicyPreviewView(ControlMixin, TemplateView):
    """试算: who among the persons under a measure now would change measure under this version."""

    template_name = "control/policy_preview.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        version = get_object_or_404(PolicyVersion.objects.restrict(user), pk=kwargs["pk"])
        changed = R.reevaluate(version, today, Measure.objects.restrict(user))
        rules = {r.pk: r for r in R.version_rules(version)}
        rows = list(changed.select_related("person", "division", "rule").order_by("ends_on", "id")[:PREVIEW_ROWS])
        for m in rows:
            m.new_rule_obj = rules.get(m.new_rule)
        from fangkong.core.choices import MeasureKind

        labels = dict(MeasureKind.choices)
        summary = [{**s, "kind_label": labels.get(s["kind"], ""), "new_label": labels.get(s["new_kind"], "解除管控")}
                   for s in R.preview_summary(changed)]
        ctx.update(version=version, rows=rows, total=sum(s["n"] for s in summary), summary=summary, labels=labels,
                   is_draft=version.status == PolicyStatus.DRAFT,
                   may_edit=bool(user.role_names & POLICY_EDITORS), limit=PREVIEW_ROWS)
        return ctx


class PolicyPublishView(ControlMixin, View):
    allowed_roles = POLICY_EDITORS

    def post(self, request, pk: int):
        version = get_object_or_404(PolicyVersion.objects.restrict(request.user, "change"), pk=pk)
        moved, resp = run_action(request, actions.do_publish_policy, version, reapply=request.POST.get("reapply") == "1",
                                 acting_user=request.user, success=f"已发布第{version.number}版方案",
                                 back=reverse("control:policy", args=[version.pk]))
        if moved:
            messages.info(request, f"已按新方案调整{moved}人的管控措施")
        return resp
