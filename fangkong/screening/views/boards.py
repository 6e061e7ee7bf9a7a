"""日清日结 boards, the day's close, the 001 sentences, imports, merges and assist requests."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core.actions import may
from fangkong.core.choices import DivisionLevel
from fangkong.core.exports import export_rows
from fangkong.core.imports import reasons_of, start_batch
from fangkong.core.imports.views import batch_error_sheet
from fangkong.core.models import Batch, Division
from fangkong.core.pii import mask_id_number, mask_phone
from fangkong.core.scoping import ADD
from fangkong.metrics import catalog
from fangkong.metrics.screening import push_figures, push_sentence, screening_figures, screening_sentence

from .. import actions
from ..choices import AssistDirection, BoardMetric, Channel, MergeStatus
from ..forms import ImportForm, InboundAssistForm, ReplyForm
from ..imports import BACKGROUND_BYTES, BATCH_KIND, channel_label, create_lead_batch, import_channels
from ..models import AssistRequest, DailyClearance, MergeCandidate
from ..reports import board_counts, default_reason, open_at_close
from .work import _parse_date

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def board(request):
    """Per channel and per township: received, verified, controlled, pending, overdue, unreachable, rejected."""
    user, g, today = request.user, request.GET, timezone.localdate()
    start, end = _parse_date(g.get("start"), today), _parse_date(g.get("end"), today)
    counts = board_counts(user, start, end)
    metrics = list(BoardMetric)
    channel_rows = [(c, [(m, counts["channel"].get(c.value, {}).get(m.value, 0)) for m in metrics]) for c in Channel]
    townships = Division.objects.filter(pk__in=[k for k in counts["township"] if k]).order_by("path")
    township_rows = [(t, [(m, counts["township"][t.pk].get(m.value, 0)) for m in metrics]) for t in townships]
    if None in counts["township"]:
        township_rows.append((None, [(m, counts["township"][None].get(m.value, 0)) for m in metrics]))
    july = dt.date(today.year, 7, 1) if today.month >= 7 else dt.date(today.year - 1, 7, 1)
    since = _parse_date(g.get("since"), july)
    label = {m: _received_label(start, end, today) if m == BoardMetric.RECEIVED else m.label for m in metrics}
    ctx = {
        "metrics": [(m, label[m]) for m in metrics], "channel_rows": channel_rows, "township_rows": township_rows,
        "total": [(m, label[m], counts["total"][m.value]) for m in metrics], "start": start, "end": end,
        "is_today": start == end == today,
        "range": f"start={start:%Y-%m-%d}&end={end:%Y-%m-%d}",
        "sentence_total": screening_sentence(screening_figures(user, since, end)),
        "sentence_push": push_sentence(push_figures(user, start, end)),
        "definitions": [catalog.get(f"board.{m.value}") for m in metrics],
        "since": since,
        "closed": DailyClearance.objects.restrict(user).filter(date=end).select_related("division"),
        "may_close": may(user, DailyClearance, ADD),  # 日结 is offered only to who may close a day
    }
    return render(request, "screening/board.html", ctx)


def _received_label(start: dt.date, end: dt.date, today: dt.date) -> str:
    """接收 says which days it counts: 今日 only for today, else the day or 所选期间."""
    if start == end == today:
        return _("今日接收")
    if start == end:
        return _("%(date)s接收") % {"date": date_format(start, "MONTH_DAY_FORMAT")}
    return _("所选期间接收")


@login_required
def close_day(request):
    """日清日结: list what is still open with a reason each; closing freezes it and carries it forward."""
    user = request.user
    if not may(user, DailyClearance, ADD):
        raise PermissionDenied
    date = _parse_date(request.POST.get("date") or request.GET.get("date"), timezone.localdate())
    division = user.division
    items = list(open_at_close(user, division, date)[:500])
    now = timezone.now()
    if request.method == "POST":
        reasons = {v.pk: request.POST.get(f"reason_{v.pk}", "").strip() for v in items}
        try:
            clearance = actions.do_close_day(division, date, reasons, acting_user=user)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, _("已日结,未清 %(n)d 条已结转") % {"n": clearance.items.count()})
            return redirect("screening:clearance", pk=clearance.pk)
    rows = [(v, default_reason(v, now)) for v in items]
    history = DailyClearance.objects.restrict(user).select_related("division", "closed_by")[:30]
    return render(request, "screening/close_day.html", {"rows": rows, "date": date, "history": history})


@login_required
def clearance_detail(request, pk: int):
    c = get_object_or_404(DailyClearance.objects.restrict(request.user).select_related("division"), pk=pk)
    items = c.items.select_related("verification__person", "verification__assignee")
    labels = {m.value: m.label for m in BoardMetric}
    return render(request, "screening/clearance.html", {"c": c, "items": items,
                                                         "counts": [(labels.get(k, k), n) for k, n in c.counts.items()]})


@login_required
def import_leads(request):
    """名单导入: the channels offered are those the user may import (none preselected when several)."""
    channels = import_channels(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    form.fields["channel"].choices = [("", _("请选择渠道")), *((c.value, c.label) for c in channels)]
    form.fields["channel"].initial = channels[0].value if len(channels) == 1 else ""
    if request.method == "POST":
        if not channels:
            raise PermissionDenied(_("您没有导入名单的权限"))
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            batch = create_lead_batch(data=data, file_name=upload.name, channel=form.cleaned_data["channel"],
                                      source=form.cleaned_data["source"], user=request.user)
            background = len(data) > BACKGROUND_BYTES
            start_batch(batch, background=background, data=data)
            if background:
                messages.info(request, _("文件较大,已转入后台导入,可在本页查看进度"))
            return redirect("screening:batch", pk=batch.pk)
    batches = Batch.objects.restrict(request.user).filter(kind=BATCH_KIND).select_related("created_by")[:30]
    history = [(b, channel_label(b.channel, b.source)) for b in batches]
    return render(request, "screening/import.html", {"form": form if channels else None, "history": history})


@login_required
def batch_detail(request, pk: int):
    batch = get_object_or_404(Batch.objects.restrict(request.user).filter(kind=BATCH_KIND), pk=pk)
    template = "screening/_batch_progress.html" if request.htmx else "screening/batch.html"
    errors = [{"row": e.get("row"), "reasons": reasons_of(e)} for e in batch.errors[:200]]
    return render(request, template, {"batch": batch, "errors": errors,
                                      "channel": channel_label(batch.channel, batch.source)})


@login_required
def batch_errors(request, pk: int):
    """The one error sheet (core.imports): ID numbers and phones masked unless the role may see them."""
    batch = get_object_or_404(Batch.objects.restrict(request.user).filter(kind=BATCH_KIND), pk=pk)
    return batch_error_sheet(request, batch)


@login_required
def merges(request):
    qs = MergeCandidate.objects.restrict(request.user).select_related("person", "other", "decided_by")
    status = request.GET.get("status", MergeStatus.PENDING)
    if status in MergeStatus.values:
        qs = qs.filter(status=status)
    return render(request, "screening/merges.html", {"candidates": qs[:200], "status": status,
                                                      "statuses": MergeStatus.choices})


@require_POST
@login_required
def merge_action(request, pk: int, op: str):
    c = get_object_or_404(MergeCandidate.objects.restrict(request.user, "change"), pk=pk)
    fn = {"merge": actions.do_merge, "unmerge": actions.do_unmerge, "not_duplicate": actions.do_mark_not_duplicate}
    if op not in fn:
        raise PermissionDenied
    try:
        fn[op](c, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    return redirect(request.POST.get("back") or "screening:merges")


@login_required
def assist_list(request):
    qs = AssistRequest.objects.restrict(request.user).select_related("person")
    direction = request.GET.get("direction", "")
    if direction in AssistDirection.values:
        qs = qs.filter(direction=direction)
    form = InboundAssistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        # Not caught: registering for a role that may not answers 403 (as the API does).
        actions.do_create_assist(AssistDirection.INBOUND, region=d["region"], name=d["name"],
                                 id_number=d["id_number"], phone=d["phone"], address=d["address"],
                                 reason=d["reason"], reference=d["reference"], due_at=d["due_at"],
                                 acting_user=request.user)
        return redirect("screening:assist")
    return render(request, "screening/assist.html", {"requests": qs[:200], "form": form, "direction": direction,
                                                      "reply_form": ReplyForm(), "now": timezone.now(),
                                                      "can_register": actions.may_register_assist(request.user)})


@require_POST
@login_required
def assist_reply(request, pk: int):
    ar = get_object_or_404(AssistRequest.objects.restrict(request.user, "change"), pk=pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        actions.do_reply_assist(ar, form.cleaned_data["reply"], acting_user=request.user)
    return redirect("screening:assist")


@login_required
def assist_export(request):
    """The outbound sheet sent to other regions (open requests), through the one export helper."""
    qs = AssistRequest.objects.restrict(request.user).filter(direction=AssistDirection.OUTBOUND).order_by("region", "id")

    def rows(full: bool):
        for ar in qs:
            yield [ar.reference or f"FK{ar.pk:06d}", ar.region, ar.name,
                   ar.id_number if full else mask_id_number(ar.id_number),
                   ar.phone if full else mask_phone(ar.phone), ar.address, ar.reason,
                   timezone.localtime(ar.due_at).strftime("%Y-%m-%d %H:%M") if ar.due_at else "",
                   ar.get_status_display()]

    return export_rows(request, name="协查函", object_type="screening.assistrequest", rows=rows,
                       header=["协查编号", "协查地区", "姓名", "身份证号", "联系电话", "线索地址", "协查事由", "回复时限", "状态"])


def townships_of(user) -> list[Division]:
    return list(Division.objects.subtree(user.division).filter(level=DivisionLevel.TOWNSHIP)) if user.division_id else []
