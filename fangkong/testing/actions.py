"""Every state change of the testing area, one audited function each (views, API, imports and
jobs call these). Bulk paths (result ingest) live in `ingest.py` and end in `after_results`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditAction, Role
from fangkong.core.models import Division, User
from fangkong.core.notify import notify
from fangkong.registry.models import Resident

from .choices import (
    POOL_SIZES,
    ExemptionReason,
    MissReason,
    ResamplingCause,
    Result,
    SampleKind,
    SampleStatus,
    TaskStatus,
)
from .models import (
    Exemption,
    KeyGroup,
    KeyGroupMember,
    MissRecord,
    ResamplingTask,
    RoundVillage,
    Sample,
    Sampling,
    SamplingRound,
    SamplingSite,
)
from .models.common import SAMPLERS
from .qr import Identified, identify
from .signals import result_recorded

# 上门单采 must happen within this many hours of the pool result.
RESAMPLE_HOURS = 6


def _actor() -> User | None:
    return audit.current().actor


def may_operate(site: SamplingSite, user: User | None) -> bool:
    """Staff of the site, or a sampler whose scope covers it."""
    if user is None:
        return True  # jobs and commands act for the system
    if site.staff.filter(pk=user.pk).exists():
        return True
    return SamplingSite.objects.restrict(user, "change").filter(pk=site.pk).exists()


# --- rounds -----------------------------------------------------------------------------------

def do_create_round(*, name: str, division: Division, starts_on: dt.date, days: int, villages: Iterable[Division],
                    pool_size: int = 10, **extra) -> SamplingRound:
    """A round over `villages`, rotating: each day about 1/days of the villages (三分之一的村)."""
    villages = sorted(villages, key=lambda v: v.path)
    if days < 1 or not villages:
        raise ValidationError("轮次至少需要一天和一个村")
    with transaction.atomic():
        rnd = SamplingRound(name=name, division=division, starts_on=starts_on,
                            ends_on=starts_on + dt.timedelta(days=days - 1), pool_size=pool_size,
                            created_by=_actor(), **extra)
        rnd.full_clean()
        rnd.save()
        _check(rnd, "add")  # organisers create rounds at or below their own division only
        RoundVillage.objects.bulk_create([
            RoundVillage(round=rnd, village=v, day=starts_on + dt.timedelta(days=i * days // len(villages)))
            for i, v in enumerate(villages)
        ])
        audit.record(AuditAction.CREATE, rnd, verb="create_round",
                     changes={"villages": [v.pk for v in villages], "days": days, **audit.snapshot(rnd)})
    return rnd


def do_add_exemption(resident: Resident, reason: str, *, round: SamplingRound | None = None, away_to: str = "",
                     note: str = "", until: dt.date | None = None) -> Exemption:
    with transaction.atomic():
        ex = Exemption(resident=resident, round=round, reason=ExemptionReason(reason), away_to=away_to, note=note,
                       until=until, created_by=_actor())
        ex.full_clean()
        ex.save()
        _check(ex, "add")
        audit.record(AuditAction.CREATE, ex, verb="add_exemption", changes=audit.snapshot(ex))
    return ex


def do_record_miss(round: SamplingRound, resident: Resident, reason: str, note: str = "") -> MissRecord:
    """未检原因: the grid worker says why someone was not sampled (away, refused, sick)."""
    with transaction.atomic():
        rec, created = MissRecord.objects.update_or_create(
            round=round, resident=resident,
            defaults={"reason": MissReason(reason), "note": note, "recorded_by": _actor()},
        )
        _check(rec, "add")
        audit.record(AuditAction.CREATE if created else AuditAction.UPDATE, rec, verb="record_miss",
                     changes={"reason": reason, "note": note})
    return rec


def _check(obj, action: str) -> None:
    user = _actor()
    if user is not None and not type(obj).objects.restrict(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied("超出您的管辖范围或没有此权限")


# --- sampling at the site ---------------------------------------------------------------------

def do_open_tube(site: SamplingSite | None, barcode: str, capacity: int, *, round: SamplingRound | None = None,
                 now: dt.datetime | None = None, division: Division | None = None) -> Sample:
    """Start a tube at a site, or at people's doors (site None: 上门采样 in the actor's division).
    A barcode already used is refused (tubes are single-use)."""
    barcode = (barcode or "").strip()
    if not barcode or len(barcode) > 40:
        raise ValidationError("请扫描采样管条码")
    if capacity not in POOL_SIZES:
        raise ValidationError("管容量只能是 1、5、10 或 20 人")
    actor = _actor()
    if site is not None and not may_operate(site, actor):
        raise PermissionDenied("您不是该采样点的工作人员")
    division = site.division if site is not None else division or (actor.division if actor else None)
    if division is None:
        raise ValidationError("上门采样需要指定区划")
    if site is None and actor is not None and not (actor.role_names & SAMPLERS):
        raise PermissionDenied("您没有采样权限")
    now = now or timezone.now()
    with transaction.atomic():
        if Sample.objects.filter(barcode=barcode).exists():
            raise ValidationError(f"条码 {barcode} 已使用,请换一支采样管")
        sample = Sample.objects.create(
            barcode=barcode, capacity=capacity, kind=SampleKind.SINGLE if capacity == 1 else SampleKind.POOL,
            round=round, site=site, division=division, opened_at=now, opened_by=actor,
            test_kind=round.test_kind if round else Sample._meta.get_field("test_kind").default,
        )
        audit.record(AuditAction.CREATE, sample, verb="open_tube",
                     changes={"capacity": capacity, "site": site.pk if site else None})
    return sample


def do_bind_sample(sample: Sample, who: Identified | str, *, now: dt.datetime | None = None) -> Sampling:
    """Bind one person (scanned ID number or QR code) to an open tube; a full tube seals itself.

    A single tube for someone with an open re-sampling task completes that task.
    """
    person = identify(who) if isinstance(who, str) else who
    now = now or timezone.now()
    if sample.site_id and not may_operate(sample.site, _actor()):
        raise PermissionDenied("您不是该采样点的工作人员")
    with transaction.atomic():
        locked = Sample.objects.select_for_update().get(pk=sample.pk)
        if locked.status != SampleStatus.OPEN:
            raise ValidationError(f"采样管 {locked.barcode} 已封管")
        if locked.samplings.filter(id_number=person.id_number).exists():
            raise ValidationError("此人已在当前采样管中")
        resident = person.resident
        sampling = Sampling.objects.create(
            sample=locked, round=locked.round, resident=resident, id_number=person.id_number,
            name=resident.name if resident else "", phone=resident.phone if resident else "",
            division_id=resident.grid_id if resident else locked.division_id, sampled_at=now,
        )
        Sample.objects.filter(pk=locked.pk).update(members=F("members") + 1)
        locked.refresh_from_db(fields=["members"])
        audit.record(AuditAction.CREATE, sampling, verb="bind_sample",
                     changes={"sample": locked.barcode, "id_number": person.id_number})
        if locked.is_full:
            _seal(locked, now)
        if locked.kind == SampleKind.SINGLE:
            _complete_resampling(person.id_number, locked, now)
    sample.refresh_from_db()
    return sampling


def do_seal_tube(sample: Sample, *, now: dt.datetime | None = None) -> Sample:
    """封管: no one else goes into this tube. An empty tube cannot be sealed."""
    if sample.site_id and not may_operate(sample.site, _actor()):
        raise PermissionDenied("您不是该采样点的工作人员")
    with transaction.atomic():
        locked = Sample.objects.select_for_update().get(pk=sample.pk)
        if locked.status == SampleStatus.OPEN:
            if not locked.members:
                raise ValidationError("空管不能封管")
            _seal(locked, now or timezone.now())
    sample.refresh_from_db()
    return sample


def _seal(sample: Sample, now: dt.datetime) -> None:
    from .jobs import request_coverage_refresh

    Sample.objects.filter(pk=sample.pk).update(status=SampleStatus.SEALED, sealed_at=now)
    request_coverage_refresh([sample.round_id])
    sample.status, sample.sealed_at = SampleStatus.SEALED, now
    audit.record(AuditAction.UPDATE, sample, verb="seal_tube",
                 changes={"status": [SampleStatus.OPEN, SampleStatus.SEALED], "members": sample.members})


def _complete_resampling(id_number: str, sample: Sample, now: dt.datetime) -> None:
    tasks = list(ResamplingTask.objects.filter(id_number=id_number, status=TaskStatus.OPEN))
    if not tasks:
        return
    ResamplingTask.objects.filter(pk__in=[t.pk for t in tasks]).update(
        status=TaskStatus.DONE, done_at=now, done_sample=sample)
    for t in tasks:
        audit.record(AuditAction.UPDATE, t, verb="complete_resampling",
                     changes={"status": [TaskStatus.OPEN, TaskStatus.DONE], "done_sample": sample.barcode})


# --- results ----------------------------------------------------------------------------------

def do_record_result(sample: Sample, result: str, *, ct_orf1ab: float | None = None, ct_n: float | None = None,
                     resulted_at: dt.datetime | None = None, lab: str = "") -> Sample:
    """One tube's result (manual entry or a one-row API call): the same path as a bulk upload."""
    from .ingest import ResultRow, ingest_results

    ingest_results([ResultRow(1, sample.barcode, Result(result), ct_orf1ab, ct_n, resulted_at or timezone.now(),
                              lab)], batch=None)
    sample.refresh_from_db()
    return sample


def after_results(changed: list[tuple[int, str, str]], now: dt.datetime) -> dict[str, int]:
    """What follows results (inside the ingest transaction): re-sampling for bad pools, alerts for
    individual positives, and `result_recorded` on commit. `changed` = (sample id, kind, result)."""
    bad_pools = [sid for sid, kind, res in changed if kind == SampleKind.POOL and res in (Result.POSITIVE, Result.INVALID)]
    bad_singles = [sid for sid, kind, res in changed if kind == SampleKind.SINGLE and res == Result.INVALID]
    positives = [sid for sid, kind, res in changed if kind == SampleKind.SINGLE and res == Result.POSITIVE]
    tasks = do_create_resampling(bad_pools + bad_singles, now=now)
    if positives:
        _alert_positives(positives)
    personal = [sid for sid, kind, res in changed if kind == SampleKind.SINGLE or res == Result.NEGATIVE]
    if personal and result_recorded.has_listeners():
        transaction.on_commit(lambda: send_result_signals(personal))
    return {"resampling_tasks": tasks, "positives": len(positives)}


def _chunks(ids: list[int], size: int = 5000) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def do_create_resampling(sample_ids: list[int], *, now: dt.datetime | None = None) -> int:
    """Flag every member of positive / invalid tubes and give each a 上门单采 task for their grid worker.

    Set-based: one insert per chunk of tubes; members already tasked for the tube are skipped.
    """
    if not sample_ids:
        return 0
    now = now or timezone.now()
    due = now + dt.timedelta(hours=RESAMPLE_HOURS)
    workers = {
        u.division_id: u for u in User.objects.filter(roles__role=Role.GRID_WORKER, division__level="grid", is_active=True)
        .order_by("id")
    }
    created: list[ResamplingTask] = []
    for chunk in _chunks(sample_ids):
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
            worker = workers.get(div)
            batch.append(ResamplingTask(
                resident_id=resident_id, id_number=idn, name=name, phone=phone, division_id=div, source_sample_id=sid,
                round_id=rid, cause=cause, assignee=worker, created_at=now, due_at=due,
            ))
        created += ResamplingTask.objects.bulk_create(batch, batch_size=2000)
    _audit_tasks(created, now)
    _notify_workers(created, workers)
    return len(created)


def _audit_tasks(tasks: list[ResamplingTask], now: dt.datetime) -> None:
    paths = dict(Division.objects.filter(pk__in={t.division_id for t in tasks}).values_list("pk", "path"))
    ctx = audit.current()
    actor = ctx.actor if ctx.actor is not None and ctx.actor.is_authenticated else None
    from fangkong.core.models import AuditLog

    AuditLog.objects.bulk_create([
        AuditLog(at=now, actor=actor, actor_label=actor.username if actor else "system", action=AuditAction.CREATE,
                 verb="create_resampling", object_type="testing.resamplingtask", object_id=str(t.pk),
                 object_repr=str(t)[:200], changes={"source_sample": t.source_sample_id, "cause": t.cause,
                                                     "due_at": t.due_at.isoformat()},
                 division_path=paths.get(t.division_id, ""), source=ctx.source, request_id=ctx.request_id)
        for t in tasks
    ], batch_size=2000)


def _notify_workers(tasks: list[ResamplingTask], workers: dict[int, User]) -> None:
    per_worker: dict[int, int] = {}
    for t in tasks:
        if t.assignee_id:
            per_worker[t.assignee_id] = per_worker.get(t.assignee_id, 0) + 1
    by_id = {u.pk: u for u in workers.values()}
    for uid, n in per_worker.items():
        notify([by_id[uid]], "alert", f"上门单采任务 {n} 人",
               f"混管阳性或无效,请在 {RESAMPLE_HOURS} 小时内上门单采", url="/testing/resampling/", sms=True)


def _alert_positives(sample_ids: list[int]) -> None:
    """个案阳性: alert the command centre and the CDC at once (in-app and SMS)."""
    recipients = list(User.objects.filter(roles__role__in=[Role.COMMAND_CENTER, Role.CDC], is_active=True).distinct())
    for s in Sample.objects.filter(pk__in=sample_ids).prefetch_related("samplings"):
        people = "、".join(p.name or p.id_number[-4:] for p in s.samplings.all())
        notify(recipients, "alert", f"核酸单管阳性:{people}",
               f"采样管 {s.barcode},Ct值 ORF1ab {s.ct_orf1ab or '-'} / N {s.ct_n or '-'}",
               url=f"/testing/samples/{s.pk}/", sms=True)


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
    for chunk in _chunks(sample_ids, 2000):
        for sp in Sampling.objects.filter(sample_id__in=chunk, id_number__in=known).select_related("sample",
                                                                                                  "resident"):
            result_recorded.send(
                sender=Sampling, resident=sp.resident, id_number=sp.id_number, sampled_at=sp.sampled_at,
                result=sp.sample.result, kind=sp.sample.test_kind, sample=sp,
            )
            sent += 1
    return sent


def do_cancel_resampling(task: ResamplingTask, note: str = "") -> ResamplingTask:
    with transaction.atomic():
        _check(task, "change")
        ResamplingTask.objects.filter(pk=task.pk).update(status=TaskStatus.CANCELLED)
        audit.record(AuditAction.UPDATE, task, verb="cancel_resampling",
                     changes={"status": [task.status, TaskStatus.CANCELLED], "note": note})
    task.refresh_from_db()
    return task


# --- key groups (重点人群) -----------------------------------------------------------------------

def do_save_key_group(group: KeyGroup | None, *, name: str, division: Division, test_kind: str,
                      every_days: int) -> KeyGroup:
    """Create a key group (group=None) or change one; scope-checked on the new division too."""
    from fangkong.core.actions import do_create, do_update

    fields = {"name": name, "division": division, "test_kind": test_kind, "every_days": every_days}
    if group is None:
        return do_create(KeyGroup, acting_user=_actor() or SYSTEM, verb="create_key_group", **fields)
    return do_update(group, acting_user=_actor() or SYSTEM, verb="change_key_group", **fields)


def do_add_key_group_member(group: KeyGroup, *, id_number: str, name: str, phone: str = "",
                            employer: str = "") -> KeyGroupMember:
    """Add a person by ID number, linked to the registry when they live here.

    The member's division is the resident's grid, else the group's division.
    Raises ValidationError (Chinese) when the ID number is invalid or already in the group.
    """
    from fangkong.core.actions import do_create
    from fangkong.core.identity import InvalidValue, clean_id_number

    _check(group, "change")
    try:
        number = clean_id_number(id_number)
    except InvalidValue as exc:
        raise ValidationError({"id_number": str(exc)}) from exc
    resident = Resident.objects.filter(id_number=number).select_related("grid").first()
    division = resident.grid if resident is not None and resident.grid_id else group.division
    return do_create(KeyGroupMember, acting_user=_actor() or SYSTEM, verb="add_key_group_member", group=group, resident=resident,
                     id_number=number, name=name, phone=phone or "", employer=employer or "", division=division)


def do_remove_key_group_member(member: KeyGroupMember) -> None:
    from fangkong.core.actions import do_delete

    _check(member.group, "change")
    do_delete(member, acting_user=_actor() or SYSTEM, verb="remove_key_group_member")
