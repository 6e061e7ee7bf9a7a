"""Pages of information release: the drafts and their review, approval and publication, the
queue of what awaits the user, and the public page (no login) of what is published."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from fangkong.core.actions import may
from fangkong.core.errors import ActionFailed, call_action
from fangkong.core.scoping import ADD, CHANGE, user_may
from fangkong.core.views.generic import ModelPages, ObjectActionView, ObjectDetailView, ScopedView

from . import actions
from .choices import EDITABLE, PUBLIC_STEPS, ReleaseStatus
from .filtersets import ReleaseNoteFilterSet
from .forms import CorrectionForm, DraftForm, RemarkForm, ReturnForm
from .lint import lint_release
from .models import ReleaseNote
from .tables import ReleaseNoteTable

REVIEW, APPROVE = actions.REVIEW, actions.APPROVE


class ReleaseDetailView(ObjectDetailView):
    template_name = "releases/detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        note = self.get_object()
        user = request.user
        mine = note.author_id == user.pk
        status = note.status
        ctx: dict[str, Any] = {
            "object": note,
            "events": note.events.select_related("by", "other"),
            "problems": lint_release(note) if status != ReleaseStatus.PUBLISHED else [],
            "correction": note.published_correction(),
            "corrections": note.corrections.all(),
            "may_edit": mine and status in EDITABLE and may(user, note, CHANGE),
            "may_submit": mine and status in EDITABLE and may(user, note, CHANGE),
            "may_review": not mine and status == ReleaseStatus.SUBMITTED and may(user, note, REVIEW),
            "may_approve": not mine and status == ReleaseStatus.REVIEWED and may(user, note, APPROVE),
            "may_publish": status == ReleaseStatus.APPROVED and may(user, note, APPROVE),
            "may_correct": status == ReleaseStatus.PUBLISHED and may(user, ReleaseNote, ADD),
            "remark_form": RemarkForm(),
            "return_form": ReturnForm(),
            **self.links(note),
        }
        ctx["may_return"] = not mine and (
            (status == ReleaseStatus.SUBMITTED and may(user, note, REVIEW))
            or (status in (ReleaseStatus.REVIEWED, ReleaseStatus.APPROVED) and may(user, note, APPROVE))
        )
        return render(request, self.template_name, ctx)


class ReleaseNotePages(ModelPages):
    model, table, filterset_class = ReleaseNote, ReleaseNoteTable, ReleaseNoteFilterSet

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        out["detail"] = type(
            "ReleaseNotePagesDetail", (ReleaseDetailView,), {"model": ReleaseNote, "table": ReleaseNoteTable}
        )
        return out


class DraftView(ScopedView, View):
    """起草 (no pk) or 修改 (pk, the author's draft or returned release)."""

    model = ReleaseNote
    template_name = "releases/draft.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.scope_action = CHANGE if "pk" in kwargs else ADD
        return super().dispatch(request, *args, **kwargs)

    def _form(self, note: ReleaseNote | None) -> DraftForm:
        data = self.request.POST if self.request.method == "POST" else None
        initial = {}
        if note is not None:
            initial = {"kind": note.kind, "title": note.title, "body": note.body, "case": note.case_id}
        elif self.request.GET.get("kind"):
            initial = {"kind": self.request.GET["kind"], "title": self.request.GET.get("title", "")}
        return DraftForm(data, initial=initial, user=self.request.user)

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        note = self.get_object() if pk is not None else None
        return render(request, self.template_name, {"form": self._form(note), "object": note})

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        note = self.get_object() if pk is not None else None
        form = self._form(note)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if note is None:
                    note = call_action(
                        request,
                        actions.do_draft_release,
                        acting_user=request.user,
                        kind=d["kind"],
                        title=d["title"],
                        body=d["body"],
                        case=d["case"],
                        form=form,
                        success=_("已保存草稿"),
                    )
                else:
                    note = call_action(
                        request,
                        actions.do_edit_release,
                        note,
                        acting_user=request.user,
                        kind=d["kind"],
                        title=d["title"],
                        body=d["body"],
                        case=d["case"],
                        form=form,
                        success=_("已保存"),
                    )
            except ActionFailed:
                pass
            else:
                return HttpResponseRedirect(reverse("releases:releasenote", args=[note.pk]))
        return render(request, self.template_name, {"form": form, "object": note})


class SubmitView(ObjectActionView):
    model = ReleaseNote
    action = actions.do_submit_release
    success = gettext_lazy("已提交审核")


class ReviewView(ObjectActionView):
    model = ReleaseNote
    action = actions.do_review_release
    scope_action = REVIEW
    form_class = RemarkForm
    success = gettext_lazy("已审核通过")


class ApproveView(ObjectActionView):
    model = ReleaseNote
    action = actions.do_approve_release
    scope_action = APPROVE
    form_class = RemarkForm
    success = gettext_lazy("已批准")


class PublishView(ObjectActionView):
    model = ReleaseNote
    action = actions.do_publish_release
    scope_action = APPROVE
    success = gettext_lazy("已发布")


class ReturnView(ObjectActionView):
    """退回: reviewers return what awaits review, approvers what awaits approval or publication."""

    model = ReleaseNote
    action = actions.do_return_release
    form_class = ReturnForm
    success = gettext_lazy("已退回")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        self.scope_action = (
            REVIEW if user.is_authenticated and user_may(ReleaseNote, user, REVIEW) else APPROVE
        )
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, action: str | None = None):
        qs = ReleaseNote.objects.restrict(self.request.user, REVIEW) | ReleaseNote.objects.restrict(
            self.request.user, APPROVE
        )
        return get_object_or_404(qs, pk=self.kwargs["pk"])


class CorrectView(ScopedView, View):
    """更正: a correction of a published release, drafted here and reviewed like any release."""

    model = ReleaseNote
    scope_action = ADD

    def get_object(self, action: str | None = None):
        return get_object_or_404(
            ReleaseNote.objects.restrict(self.request.user),
            pk=self.kwargs["pk"],
            status=ReleaseStatus.PUBLISHED,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        original = self.get_object()
        form = CorrectionForm(initial={"title": _("关于“%(t)s”的更正") % {"t": original.title}})
        return render(request, "releases/correct.html", {"form": form, "original": original})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        original = self.get_object()
        form = CorrectionForm(request.POST)
        if form.is_valid():
            try:
                note = call_action(
                    request,
                    actions.do_correct_release,
                    original,
                    acting_user=request.user,
                    form=form,
                    success=_("已起草更正"),
                    **form.cleaned_data,
                )
            except ActionFailed:
                pass
            else:
                return HttpResponseRedirect(reverse("releases:releasenote", args=[note.pk]))
        return render(request, "releases/correct.html", {"form": form, "original": original})


class PendingView(LoginRequiredMixin, View):
    """待我审核批准: what awaits this user's review, approval or publication (never their own)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not (user_may(ReleaseNote, user, REVIEW) or user_may(ReleaseNote, user, APPROVE)):
            raise PermissionDenied(_("您没有此项操作的权限"))
        review = ReleaseNote.objects.restrict(user, REVIEW).filter(status=ReleaseStatus.SUBMITTED)
        approve = ReleaseNote.objects.restrict(user, APPROVE).filter(
            status__in=(ReleaseStatus.REVIEWED, ReleaseStatus.APPROVED)
        )
        notes = (review | approve).exclude(Q(author=user) & ~Q(status=ReleaseStatus.APPROVED))
        return render(request, "releases/pending.html", {"notes": notes.select_related("author", "division")})


# --- the public page: no login, published releases only ---------------------------------------


def published():
    return ReleaseNote._base_manager.filter(status=ReleaseStatus.PUBLISHED).select_related("corrects")


class PublicListView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        notes = list(published().order_by("-published_at", "-id")[:200])
        corrected = set(published().filter(corrects__in=notes).values_list("corrects_id", flat=True))
        return render(request, "releases/public_list.html", {"notes": notes, "corrected": corrected})


class PublicDetailView(View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        note = published().filter(pk=pk).first()
        if note is None:
            raise Http404(_("该信息未发布或不存在"))
        history = note.events.filter(step__in=PUBLIC_STEPS).select_related("other")
        history = [e for e in history if e.other is None or e.other.status == ReleaseStatus.PUBLISHED]
        return render(
            request,
            "releases/public_detail.html",
            {"note": note, "history": history, "correction": note.published_correction()},
        )
