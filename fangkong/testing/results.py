"""What follows lab results: 上门单采 tasks for bad pools, alerts for individual positives, and
`result_recorded` for the areas that listen (control). The bulk ingest (`ingest.py`) and the
one-tube entry (`actions.do_record_result`) both end here; this module imports neither."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import action, is_system, require_role
from fangkong.core.choices import AuditAction, DivisionLevel, Role
from fangkong.core.models import User
from fangkong.core.notify import notify
from fangkong.core.signals import positive_found, result_recorded

from .alerts import alert_pool_positives
from .choices import ResamplingCause, Result, SampleKind, TaskStatus
from .models import ResamplingTask, Sample, Sampling
from .models.common import RESULT_WRITERS

# 上门单采 must happen within this many hours of the pool result.
RESAMPLE_HOURS = 6


def after_results(changed: list[tuple[int, str, str]], now: dt.datetime, *, acting_user: Any) -> dict[str, int]:
    """What follows results (inside the ingest transaction): re-sampling for bad pools, alerts for
    individual positives, and `result_recorded` on commit. `changed` = (sample id, kind, result)."""
    bad_pools = [sid for sid, kind, res in changed
                 if kind == SampleKind.POOL and res in (Result.POSITIVE, Result.INVALID)]
    bad_singles = [sid for sid, kind, res in changed if kind == SampleKind.SINGLE and res == Result.INVALID]
    positives = [sid for sid, kind, res in changed if kind == SampleKind.SINGLE and res == Result.POSITIVE]
    tasks = do_create_resampling(bad_pools + bad_singles, now=now, acting_user=acting_user)
    if positives:
        _alert_positives(positives)
        if positive_found.has_listeners():  # tracing offers to open a case for each
            transaction.on_commit(lambda: send_positive_signals(positives))
    alert_pool_positives(changed)  # 混管阳性 → the command centre and the CDC
    personal = [sid for sid, kind, res in changed if kind == SampleKind.SINGLE or res == Result.NEGATIVE]
    if personal and result_recorded.has_listeners():
        transaction.on_commit(lambda: send_result_signals(personal))
    return {"resampling_tasks": tasks, "positives": len(positives)}


def chunks(ids: list[int], size: int = 5000) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


@action
def do_create_resampling(sample_ids: list[int], *, now: dt.datetime | None = None, acting_user: Any) -> int:
    """Flag every member of positive / invalid tubes and give each a 上门单采 task for their grid worker.

    Set-based: one insert per chunk of tubes; members already tasked for the tube are skipped.
    Results are written by labs, the CDC and the command centre (or the platform importing them).
    """
    require_role(acting_user, *RESULT_WRITERS)
    if not sample_ids:
        return 0
    now = now or timezone.now()
    due = now + dt.timedelta(hours=RESAMPLE_HOURS)
    workers = {
        u.division_id: u for u in User.objects.filter(roles__role=Role.GRID_WORKER, division__level=DivisionLevel.GRID,
                                                      is_active=True).order_by("id")
    }
    created: list[ResamplingTask] = []
    for chunk in chunks(sample_ids):
        members = (Sampling.objects.filter(sample_id__in=chunk)
                   .values_list("sample_id", "sample__round_id", "sample__result", "sample__kind", "resident_id",
                                "id_number", "name", "phone", "division_id"))
        existing = set(ResamplingTask.objects.filter(source_sample_id__in=chunk).values_list("source_sample_id",
                                                                                              "id_number"))
        batch = []
        for sid, rid, res, kind, resident_id, idn, name, phone, div in members:
            if (sid, idn) in existing:
                continue
            cause = (ResamplingCause.INVALID if kind == SampleKind.SINGLE
                     else ResamplingCause.POOL_POSITIVE if res == Result.POSITIVE else ResamplingCause.POOL_INVALID)
            batch.append(ResamplingTask(
                resident_id=resident_id, id_number=idn, name=name, phone=phone, division_id=div, source_sample_id=sid,
                round_id=rid, cause=cause, assignee=workers.get(div), created_at=now, due_at=due,
            ))
        created += ResamplingTask.objects.bulk_create(batch, batch_size=2000)
    audit.record_many(AuditAction.CREATE, created, verb="create_resampling", changes_of=lambda t: {
        "source_sample": t.source_sample_id, "cause": t.cause, "due_at": t.due_at.isoformat()})
    _notify_workers(created, workers)
    return len(created)


def _notify_workers(tasks: list[ResamplingTask], workers: dict[int, User]) -> None:
    per_worker: dict[int, int] = {}
    for t in tasks:
        if t.assignee_id:
            per_worker[t.assignee_id] = per_worker.get(t.assignee_id, 0) + 1
    by_id = {u.pk: u for u in workers.values()}
    for uid, n in per_worker.items():
        notify([by_id[uid]], "alert", f"上门单采任务 {n} 人",
               f"混管阳性或无效，请在 {RESAMPLE_HOURS} 小时内上门单采", url=reverse("testing:resampling"), sms=True)


def _alert_positives(sample_ids: list[int]) -> None:
    """个案阳性: alert the command centre and the CDC at once (in-app and SMS)."""
    recipients = list(User.objects.filter(roles__role__in=[Role.COMMAND_CENTER, Role.CDC], is_active=True).distinct())
    for s in Sample.objects.filter(pk__in=sample_ids).prefetch_related("samplings"):
        people = "、".join(p.name or p.id_number[-4:] for p in s.samplings.all())
        notify(recipients, "alert", f"核酸单管阳性：{people}",
               f"采样管 {s.barcode},Ct值 ORF1ab {s.ct_orf1ab or '-'} / N {s.ct_n or '-'}",
               url=reverse("testing:round", args=[s.round_id]) if s.round_id else reverse("testing:home"), sms=True)


def send_result_signals(sample_ids: list[int]) -> int:
    """result_recorded for each person of the given tubes (called on commit).

    Only people known to screening (screening.Person) can be under a control measure, so the
    members are narrowed to them in SQL first: a county round of a million negative results
    then sends a handful of signals instead of a million per-person lookups in the listener.
    """
    from django.db.models import Subquery

    from fangkong.screening.models import Person

    known = Subquery(Person.objects.filter(id_number__isnull=False).values("id_number"))
    sent = 0
    for chunk in chunks(sample_ids, 2000):
        for sp in Sampling.objects.filter(sample_id__in=chunk, id_number__in=known).select_related("sample",
                                                                                                  "resident"):
            result_recorded.send(
                sender=Sampling, resident=sp.resident, id_number=sp.id_number, sampled_at=sp.sampled_at,
                result=sp.sample.result, kind=sp.sample.test_kind, sample=sp,
            )
            sent += 1
    return sent


@action
def do_flag_overdue_resampling(*, now: dt.datetime | None = None, acting_user: Any) -> int:
    """Remind the grid worker and the village cadre once per overdue task (claimed by a conditional
    update, so two workers never remind twice). The platform's own job: only SYSTEM runs it."""
    if not is_system(acting_user):
        raise PermissionDenied(_("只有系统任务可以发送超时提醒"))
    now = now or timezone.now()
    flagged = 0
    for t in ResamplingTask.objects.filter(status=TaskStatus.OPEN, due_at__lt=now, overdue_notified_at=None) \
            .select_related("division", "assignee"):
        if not ResamplingTask.objects.filter(pk=t.pk, overdue_notified_at=None).update(overdue_notified_at=now):
            continue  # another worker won
        cadres = User.objects.filter(roles__role=Role.VILLAGE_CADRE, division_id=t.division.parent_id)
        recipients = [u for u in (t.assignee, *cadres) if u is not None]  # a grid without a worker
        notify(recipients, "alert", f"上门单采超时：{t.name or t.id_number[-4:]}",
               f"{t.division.name},时限 {timezone.localtime(t.due_at):%m-%d %H:%M}", url=reverse("testing:resampling"))
        audit.record(AuditAction.UPDATE, t, verb="flag_overdue_resampling", changes={"overdue_notified_at": now})
        flagged += 1
    return flagged


def send_positive_signals(sample_ids: list[int]) -> int:
    """positive_found for each person of the given individual positive tubes (called on commit)."""
    sent = 0
    for sp in Sampling.objects.filter(sample_id__in=sample_ids).select_related("sample", "sample__site", "division"):
        positive_found.send(sender=Sampling, id_number=sp.id_number or "", name=sp.name or "", phone=sp.phone or "",
                            sampled_at=sp.sampled_at, division=sp.division,
                            source=_("采样管 %(barcode)s（%(where)s）") % {"barcode": sp.sample.barcode,
                                                                          "where": sp.sample.site or sp.division})
        sent += 1
    return sent
