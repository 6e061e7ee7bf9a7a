"""The people-away ledger's actions: contact logs, tasks, and what control's and screening's events
open (a call when a place becomes a risk area; an alert when a watch-listed person shows up)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.control.choices import OriginLevel
from fangkong.core import audit
from fangkong.core.actions import action, is_system, require
from fangkong.core.choices import AuditAction
from fangkong.core.models import User
from fangkong.core.notify import notify
from fangkong.core.scoping import ADD, CHANGE
from fangkong.screening.choices import Channel

from ..away import away_in, default_liaison, risk_level, village_cadres
from ..choices import AwayStatus, AwayTaskKind, AwayTaskStatus, ContactAdvice
from ..models import AwayTask, ContactLog, PersonAway


def _user(acting_user: Any) -> User | None:
    return None if is_system(acting_user) else acting_user


def open_task(*, kind: str, key: str, division_id: int, assignee: User | None, reason: str,
              due_on: dt.date, person: PersonAway | None = None, report: Any = None) -> AwayTask | None:
    """A task once per key (a second event, a late tick: nothing new); audited when created."""
    if AwayTask.objects.filter(key=key).exists():
        return None
    try:
        with transaction.atomic():
            task = AwayTask.objects.create(kind=kind, key=key, division_id=division_id, assignee=assignee,
                                           reason=reason[:255], due_on=due_on, person=person, report=report)
    except IntegrityError:  # a concurrent event made it first
        return None
    changes = audit.diff({}, audit.snapshot(task))
    changes.pop("key", None)  # the machine's idempotency key, not something a reader checks
    audit.record(AuditAction.CREATE, task, verb="open_away_task", changes=changes)
    return task


@action
def do_log_contact(person: PersonAway, *, acting_user: Any, advice: str, method: str = "", note: str = "",
                   plan: str = "", plan_return_on: dt.date | None = None, watch: bool | None = None) -> ContactLog:
    """联系记录: what the liaison told them (劝返 / 留在远端); what they said updates the ledger,
    and the open call tasks for them are done."""
    require(acting_user, person, CHANGE)
    require(acting_user, ContactLog, ADD)
    log = ContactLog(person=person, advice=advice, note=note, by=_user(acting_user))
    if method:
        log.method = method
    log.full_clean()
    log.save()
    audit.record(AuditAction.CREATE, log, verb="log_away_contact", changes=audit.diff({}, audit.snapshot(log)))
    before = audit.snapshot(person)
    if plan:
        person.plan = plan
    if plan_return_on is not None:
        person.plan_return_on = plan_return_on
    if watch is not None:
        person.watch = watch
    if plan or plan_return_on is not None or watch is not None:
        person.full_clean()
        person.save()
        changes = audit.diff(before, audit.snapshot(person))
        changes.pop("updated_at", None)
        if changes:
            audit.record(AuditAction.UPDATE, person, verb="update_person_away", changes=changes)
    if advice != ContactAdvice.NOT_REACHED:
        for task in person.tasks.filter(kind=AwayTaskKind.CALL, status=AwayTaskStatus.OPEN):
            close_task(task, acting_user, log.get_advice_display())
    return log


def close_task(task: AwayTask, acting_user: Any, result: str) -> AwayTask:
    before = audit.snapshot(task)
    task.status, task.result = AwayTaskStatus.DONE, result[:255]
    task.closed_at, task.closed_by = timezone.now(), _user(acting_user)
    task.save()
    audit.record(AuditAction.UPDATE, task, verb="close_away_task", changes=audit.diff(before, audit.snapshot(task)))
    return task


@action
def do_close_away_task(task: AwayTask, *, acting_user: Any, result: str = "") -> AwayTask:
    """办结: the call was made, the arrival checked, the watch-listed person found."""
    require(acting_user, task, CHANGE)
    if task.status == AwayTaskStatus.DONE:
        return task
    return close_task(task, acting_user, result or _("已办结"))


@action
def do_open_call_tasks(areas: list[dict[str, Any]], *, acting_user: Any) -> int:
    """A place became a risk area: each person away there gets a task for their liaison to call
    them (once per person and area), and the ledger shows their place's new level."""
    require(acting_user, AwayTask, CHANGE)
    today = timezone.localdate()
    opened: dict[User, list[AwayTask]] = defaultdict(list)
    for person in away_in(areas).select_related("grid", "liaison").order_by("pk"):
        matching = [a for a in areas if _names(person, a)]
        level = risk_level(person.place_names(), today)
        if level != person.risk_level:
            audit.record(AuditAction.UPDATE, person, verb="refresh_away_risk",
                         changes={"risk_level": [person.risk_level, level]})
            PersonAway.objects.filter(pk=person.pk).update(risk_level=level)
        liaison = person.liaison or default_liaison(person.grid, person.resident.household_id if person.resident_id
                                                    and person.resident else None)
        for area in matching:
            place = "".join(area.get(f, "") for f in ("province", "city", "county", "township", "community"))
            reason = _("所在地%(place)s已列为%(level)s，请电话联系，告知防控要求（劝其留在当地或返县前报备）") % {
                "place": place, "level": OriginLevel(area["level"]).label if area["level"] in OriginLevel.values else ""}
            task = open_task(kind=AwayTaskKind.CALL, key=f"call:{person.pk}:{area['id']}", division_id=person.grid_id,
                             assignee=liaison, reason=reason, due_on=today, person=person)
            if task is not None and liaison is not None:
                opened[liaison].append(task)
    for user, tasks in opened.items():
        notify([user], "grid.away_call", _("县外人员所在地列为风险区：请联系%(n)s人") % {"n": len(tasks)},
               "、".join(t.person.name for t in tasks[:10]), reverse("grid:awaytask_list") + "?status=open", sms=True)
    return sum(len(t) for t in opened.values())


def _names(person: PersonAway, area: dict[str, Any]) -> bool:
    if person.province != area["province"]:
        return False
    return all(not area.get(f) or not getattr(person, f) or getattr(person, f) == area[f]
               for f in ("city", "county", "township"))


@action
def do_alert_watch_seen(people: list[tuple], channel: str, *, acting_user: Any) -> int:
    """A watch-listed person (口头答应不返县) appeared in a channel: an alert to their village (its
    cadres and their liaison), once per person and day; returns how many were alerted."""
    ids = {p[0] for p in people if p[0]}
    phones = {p[1] for p in people if p[1]}
    if not ids and not phones:
        return 0
    # The watch list is a few rows; a chunk of leads may be 50,000: compare in memory, not in SQL.
    watched = [p for p in PersonAway.objects.filter(watch=True, status=AwayStatus.AWAY).select_related("grid", "liaison")
               if (p.id_number and p.id_number in ids) or (p.phone and p.phone in phones)]
    today = timezone.localdate()
    n = 0
    for person in watched:
        reason = _("重点关注人员%(name)s（曾表示不返县）出现在“%(channel)s”数据中，可能已私自返县，请立即核实") % {
            "name": person.name, "channel": Channel(channel).label if channel in Channel.values else channel}
        task = open_task(kind=AwayTaskKind.SEEN, key=f"seen:{person.pk}:{today.isoformat()}:{channel}"[:80],
                         division_id=person.grid_id, assignee=person.liaison, reason=reason, due_on=today,
                         person=person)
        if task is None:
            continue
        n += 1
        users = {u.pk: u for u in [*village_cadres(person.grid), person.liaison] if u is not None}
        notify(users.values(), "grid.watch_seen", _("重点关注人员可能已返县：%(name)s") % {"name": person.name},
               reason, reverse("grid:personaway", args=[person.pk]), sms=True)
    return n


@action
def do_refresh_away_risk(*, acting_user: Any, today: dt.date | None = None) -> int:
    """Each person away gets the risk level of their place today (a list lifted, a level lowered:
    what the event of a new list does not say); audited per person whose level changed."""
    require(acting_user, AwayTask, CHANGE)
    today = today or timezone.localdate()
    levels: dict[tuple, str] = {}
    changed: dict[str, list[int]] = defaultdict(list)
    old: dict[int, str] = {}
    for pk, level, *place in PersonAway.objects.filter(status=AwayStatus.AWAY).values_list(
            "pk", "risk_level", "province", "city", "county", "township").iterator():
        key = tuple(place)
        if key not in levels:
            levels[key] = risk_level(dict(zip(("province", "city", "county", "township"), key, strict=True)), today)
        if levels[key] != level:
            changed[levels[key]].append(pk)
            old[pk] = level
    for level, pks in changed.items():
        PersonAway.objects.filter(pk__in=pks).update(risk_level=level)
    if old:
        audit.record_many(AuditAction.UPDATE, PersonAway.objects.filter(pk__in=list(old)).select_related("grid"),
                          verb="refresh_away_risk", changes_of=lambda p: {"risk_level": [old[p.pk], p.risk_level]})
    return len(old)
