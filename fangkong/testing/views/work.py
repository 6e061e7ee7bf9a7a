"""Results upload, re-sampling tasks, key groups and planning."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from fangkong.core.choices import BatchStatus
from fangkong.core.identity import InvalidValue
from fangkong.core.scoping import user_may
from fangkong.core.views.generic import ObjectListView

from ..choices import POOL_SIZES, TaskStatus
from ..compliance import compliance, summary
from ..filtersets import KeyGroupFilterSet, ResamplingTaskFilterSet
from ..forms import KeyGroupImportForm, PlanningForm, UploadForm
from ..ingest import RESULT_KIND, do_import_results, file_digest, new_batch
from ..models import (
    KeyGroup,
    ResamplingTask,
)
from ..models.common import RESULT_WRITERS
from ..planning import plan_round, tests_per_person
from ..tables import KeyGroupTable, ResamplingTaskTable
from ..upload import parse_result_file


class UploadView(LoginRequiredMixin, View):
    """Labs upload result files (csv / xlsx). Same file twice changes nothing."""

    def _check(self, request):
        if not request.user.role_names & RESULT_WRITERS:
            raise PermissionDenied("只有检测机构、疾控和指挥部可以上传检测结果")

    def get(self, request: HttpRequest) -> HttpResponse:
        self._check(request)
        return render(request, "testing/upload.html", {"form": UploadForm(), "batches": self._batches(request)})

    def _batches(self, request):
        from fangkong.core.models import Batch

        return Batch.objects.restrict(request.user).filter(kind=RESULT_KIND)[:20]

    def post(self, request: HttpRequest) -> HttpResponse:
        self._check(request)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, "testing/upload.html", {"form": form, "batches": self._batches(request)})
        f = form.cleaned_data["file"]
        data = f.read()
        digest = file_digest(data)
        from fangkong.core.models import Batch

        earlier = Batch.objects.filter(kind=RESULT_KIND, file_sha256=digest, status=BatchStatus.DONE).first()
        if earlier is not None:
            messages.info(request, f"该文件已于 {timezone.localtime(earlier.created_at):%m-%d %H:%M} 导入,未做任何更改")
            return render(request, "testing/upload.html", {"form": UploadForm(), "batch": earlier,
                                                           "batches": self._batches(request)})
        try:
            rows, errors = parse_result_file(data, f.name, lab=form.cleaned_data["lab"])
        except (ValueError, InvalidValue) as exc:
            form.add_error("file", str(exc))
            return render(request, "testing/upload.html", {"form": form, "batches": self._batches(request)})
        batch = new_batch(request.user, file_name=f.name, digest=digest, source=form.cleaned_data["lab"])
        do_import_results(rows, errors, batch)
        messages.success(request, f"已导入 {batch.rows} 行:更新 {batch.updated},错误 {batch.rejected}")
        return render(request, "testing/upload.html", {"form": UploadForm(), "batch": batch,
                                                       "batches": self._batches(request)})


class ResamplingListView(ObjectListView):
    """上门单采 tasks in scope, open ones by default, overdue first (ResamplingTaskFilterSet
    shared with the API; `?export=xlsx` through ResamplingTaskTable, masked by role)."""

    model = ResamplingTask
    table = ResamplingTaskTable
    filterset_class = ResamplingTaskFilterSet
    template_name = "testing/resampling.html"
    paginate_by = 100

    def filter_data(self):
        data = self.request.GET.copy()
        if not data.get("status"):
            data["status"] = TaskStatus.OPEN
        return data

    def get_queryset(self):
        return super().get_queryset().order_by("due_at", "id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(now=timezone.now(), statuses=TaskStatus.choices,
                                        status=self.request.GET.get("status") or TaskStatus.OPEN,
                                        due_label=str(ResamplingTaskTable.columns[6].header(ResamplingTask)), **kwargs)


class KeyGroupListView(ObjectListView):
    """重点人群 in scope with their member counts (KeyGroupFilterSet shared with the API)."""

    model = KeyGroup
    table = KeyGroupTable
    filterset_class = KeyGroupFilterSet
    template_name = "testing/key_groups.html"

    def get_queryset(self):
        return super().get_queryset().annotate(n=Count("members")).order_by("name", "id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(may_add=user_may(KeyGroup, self.request.user, "add"), **kwargs)


class KeyGroupView(LoginRequiredMixin, TemplateView):
    """Compliance list of one key group: on time, overdue, never tested."""

    template_name = "testing/key_group.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        group = get_object_or_404(KeyGroup.objects.restrict(self.request.user), pk=kwargs["pk"])
        rows = compliance(group, timezone.now(), group.members.restrict(self.request.user))
        only = self.request.GET.get("status")
        may_change = KeyGroup.objects.restrict(self.request.user, "change").filter(pk=group.pk).exists()
        ctx.update(group=group, summary=summary(rows), may_change=may_change, import_form=KeyGroupImportForm(), rows=[r for r in rows if not only or r.status == only])
        return ctx


class PlanningView(LoginRequiredMixin, TemplateView):
    """Dorfman planning: tests per person, retests, tubes and reagents, recommended pool size."""

    template_name = "testing/planning.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = PlanningForm(self.request.GET or None)
        if form.is_valid():
            d = form.cleaned_data
            p = d["prevalence_per_10k"] / 10000
            ctx["plan"] = plan_round(d["population"], p, int(d["pool_size"]))
            ctx["curve"] = [(k, round(tests_per_person(p, k), 4)) for k in POOL_SIZES]
        ctx["form"] = form
        return ctx
