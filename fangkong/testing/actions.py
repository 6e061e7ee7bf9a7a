"""Every state change of the testing area, one audited action each (views, API, imports and
jobs call these with the acting user; jobs and receivers pass `core.actions.SYSTEM`). What follows
results (re-sampling, alerts, signals) lives in `results.py`, the bulk result path in `ingest.py`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.actions import (
    SYSTEM,
    MissingActor,
    action,
    do_create,
    do_delete,
    do_update,
    require,
    require_role,
)
from fangkong.core.choices import AuditAction
from fangkong.core.models import Division, User
from fangkong.core.scoping import ADD, CHANGE
from fangkong.registry.models import Resident

from .choices import POOL_SIZES, ExemptionReason, MissReason, Result, SampleKind, SampleStatus, TaskStatus
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
from .models.common import ORGANISERS, RESULT_WRITERS, SAMPLERS
from .qr import Identified, identify

NOT_SITE_STAFF = "您不是该采样点的工作人员"


def _user(acting_user: Any) -> User | None:
    """The user to write into `created_by` / `opened_by` columns (None when the platform acts)."""
    return None if acting_user is SYSTEM else acting_user


def may_operate(site: SamplingSite, acting_user: Any) -> bool:
    """Staff of the site, or a sampler whose scope covers it (the boolean form, for pages)."""
    try:
        require_site_operator(acting_user, site)
    except (PermissionDenied, MissingActor):
        return False
    return True


def require_site_operator(acting_user: Any, site: SamplingSite) -> None:
    """The named rule of a sampling site: its staff, or a sampler whose scope covers it (SYSTEM
    passes). Fails closed: anyone else, an inactive account or no actor is refused."""
    if (acting_user is not SYSTEM and acting_user is not None and getattr(acting_user, "is_active", False)
            and getattr(acting_user, "is_authenticated", False) and site.staff.filter(pk=acting_user.pk).exists()):
        return
    try:
        require(acting_user, site, CHANGE)
    except PermissionDenied:
        raise PermissionDenied(NOT_SITE_STAFF) from None


def _require_tube(acting_user: Any, sample: Sample) -> None:
    """A tube at a site is the site's; a tube at people's doors (no site) is its division's samplers'."""
    if sample.site_id:
        require_site_operator(acting_user, sample.site)
    else:
        require_role(acting_user, *SAMPLERS)
        require(acting_user, sample, CHANGE)


# --- rounds -----------------------------------------------------------------------------------

@action
def do_create_round(*, name: str, division: Division, starts_on: dt.date, days: int, villages: Iterable[Division],
                    pool_size: int = 10, acting_user: Any, **extra: Any) -> SamplingRound:
    """A round over `villages`, rotating: each day about 1/days of the villages (三分之一的村).
    Organisers create rounds at or below their own division only."""
    require_role(acting_user, *ORGANISERS)
    villages = sorted(villages, key=lambda v: v.path)
    if days < 1 or not villages:
        raise ValidationError("轮次至少需要一天和一个村")
    rnd = SamplingRound(name=name, division=division, starts_on=starts_on,
                        ends_on=starts_on + dt.timedelta(days=days - 1), pool_size=pool_size,
                        created_by=_user(acting_user), **extra)
    rnd.full_clean()
    rnd.save()
    require(acting_user, rnd, ADD)
    RoundVillage.objects.bulk_create([
        RoundVillage(round=rnd, village=v, day=starts_on + dt.timedelta(days=i * days // len(villages)))
        for i, v in enumerate(villages)
    ])
    audit.record(AuditAction.CREATE, rnd, verb="create_round",
                 changes={"villages": [v.pk for v in villages], "days": days, **audit.snapshot(rnd)})
    return rnd


@action
def do_add_exemption(resident: Resident, reason: str, *, round: SamplingRound | None = None, away_to: str = "",
                     note: str = "", until: dt.date | None = None, acting_user: Any) -> Exemption:
    """免检 / 上门采样 of a resident, by a sampler whose scope holds the resident."""
    ex = Exemption(resident=resident, round=round, reason=ExemptionReason(reason), away_to=away_to, note=note,
                   until=until, created_by=_user(acting_user))
    ex.full_clean()
    ex.save()
    require(acting_user, ex, ADD)
    audit.record(AuditAction.CREATE, ex, verb="add_exemption", changes=audit.snapshot(ex))
    return ex


@action
def do_record_miss(round: SamplingRound, resident: Resident, reason: str, note: str = "", *,
                   acting_user: Any) -> MissRecord:
    """未检原因: the grid worker says why someone was not sampled (away, refused, sick)."""
    try:
        reason = MissReason(reason)
    except ValueError:
        raise ValidationError("请选择未检原因") from None
    rec, created = MissRecord.objects.update_or_create(
        round=round, resident=resident,
        defaults={"reason": reason, "note": note, "recorded_by": _user(acting_user)},
    )
    require(acting_user, rec, ADD)
    audit.record(AuditAction.CREATE if created else AuditAction.UPDATE, rec, verb="record_miss",
                 changes={"reason": reason, "note": note})
    return rec


# --- sampling sites and sampling ------------------------------------------------------------------

@action
def do_create_sampling_site(*, acting_user: Any, **fields: Any) -> SamplingSite:
    """采样点 in an organiser's scope (name, division, address, opening hours)."""
    require_role(acting_user, *ORGANISERS)
    return do_create(SamplingSite, acting_user=acting_user, verb="create_sampling_site", **fields)


@action
def do_open_tube(site: SamplingSite | None, barcode: str, capacity: int, *, round: SamplingRound | None = None,
                 now: dt.datetime | None = None, division: Division | None = None, acting_user: Any) -> Sample:
    """Start a tube at a site, or at people's doors (site None: 上门采样 in the actor's division).
    A barcode already used is refused (tubes are single-use)."""
    barcode = (barcode or "").strip()
    if not barcode or len(barcode) > 40:
        raise ValidationError("请扫描采样管条码")
    if capacity not in POOL_SIZES:
        raise ValidationError("管容量只能是 1、5、10 或 20 人")
    user = _user(acting_user)
    if site is not None:
        require_site_operator(acting_user, site)
        division = site.division
    else:
        require(acting_user, Sample, ADD)
        division = division or (user.division if user is not None else None)
    if division is None:
        raise ValidationError("上门采样需要指定区划")
    if Sample.objects.filter(barcode=barcode).exists():
        raise ValidationError(f"条码 {barcode} 已使用,请换一支采样管")
    sample = Sample.objects.create(
        barcode=barcode, capacity=capacity, kind=SampleKind.SINGLE if capacity == 1 else SampleKind.POOL,
        round=round, site=site, division=division, opened_at=now or timezone.now(), opened_by=user,
        test_kind=round.test_kind if round else Sample._meta.get_field("test_kind").default,
    )
    if site is None:
        require(acting_user, sample, CHANGE)  # a door-to-door tube lies in the sampler's scope
    audit.record(AuditAction.CREATE, sample, verb="open_tube",
                 changes={"capacity": capacity, "site": site.pk if site else None})
    return sample


@action
def do_bind_sample(sample: Sample, who: Identified | str, *, now: dt.datetime | None = None,
                   acting_user: Any) -> Sampling:
    """Bind one person (scanned ID number or QR code) to an open tube; a full tube seals itself.

    A single tube for someone with an open re-sampling task completes that task.
    """
    person = identify(who) if isinstance(who, str) else who
    now = now or timezone.now()
    _require_tube(acting_user, sample)
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


@action
def do_seal_tube(sample: Sample, *, now: dt.datetime | None = None, acting_user: Any) -> Sample:
    """封管: no one else goes into this tube. An empty tube cannot be sealed."""
    _require_tube(acting_user, sample)
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
    audit.record_many(AuditAction.UPDATE, tasks, verb="complete_resampling", changes_of=lambda _t: {
        "status": [TaskStatus.OPEN, TaskStatus.DONE], "done_sample": sample.barcode})


# --- results and re-sampling --------------------------------------------------------------------

@action
def do_record_result(sample: Sample, result: str, *, ct_orf1ab: float | None = None, ct_n: float | None = None,
                     resulted_at: dt.datetime | None = None, lab: str = "", acting_user: Any) -> Sample:
    """One tube's result (manual entry or a one-row API call): the same path as a bulk upload."""
    from .ingest import ResultRow, ingest_results

    require_role(acting_user, *RESULT_WRITERS)
    ingest_results([ResultRow(1, sample.barcode, Result(result), ct_orf1ab, ct_n, resulted_at or timezone.now(),
                              lab)], batch=None)
    sample.refresh_from_db()
    return sample


@action
def do_cancel_resampling(task: ResamplingTask, note: str = "", *, acting_user: Any) -> ResamplingTask:
    require(acting_user, task, CHANGE)
    ResamplingTask.objects.filter(pk=task.pk).update(status=TaskStatus.CANCELLED)
    audit.record(AuditAction.UPDATE, task, verb="cancel_resampling",
                 changes={"status": [task.status, TaskStatus.CANCELLED], "note": note})
    task.refresh_from_db()
    return task


# --- key groups (重点人群) -----------------------------------------------------------------------

@action
def do_save_key_group(group: KeyGroup | None, *, name: str, division: Division, test_kind: str,
                      every_days: int, acting_user: Any) -> KeyGroup:
    """Create a key group (group=None) or change one; scope-checked on the new division too."""
    fields = {"name": name, "division": division, "test_kind": test_kind, "every_days": every_days}
    if group is None:
        return do_create(KeyGroup, acting_user=acting_user, verb="create_key_group", **fields)
    return do_update(group, acting_user=acting_user, verb="change_key_group", **fields)


@action
def do_add_key_group_member(group: KeyGroup, *, id_number: str, name: str, phone: str = "",
                            employer: str = "", acting_user: Any) -> KeyGroupMember:
    """Add a person by ID number, linked to the registry when they live here.

    The member's division is the resident's grid, else the group's division.
    Raises ValidationError (Chinese) when the ID number is invalid or already in the group.
    """
    from fangkong.core.identity import InvalidValue, clean_id_number

    require(acting_user, group, CHANGE)
    try:
        number = clean_id_number(id_number)
    except InvalidValue as exc:
        raise ValidationError({"id_number": str(exc)}) from exc
    resident = Resident.objects.filter(id_number=number).select_related("grid").first()
    division = resident.grid if resident is not None and resident.grid_id else group.division
    return do_create(KeyGroupMember, acting_user=acting_user, verb="add_key_group_member", group=group,
                     resident=resident, id_number=number, name=name, phone=phone or "", employer=employer or "",
                     division=division)


@action
def do_remove_key_group_member(member: KeyGroupMember, *, acting_user: Any) -> None:
    require(acting_user, member.group, CHANGE)
    do_delete(member, acting_user=acting_user, verb="remove_key_group_member")
