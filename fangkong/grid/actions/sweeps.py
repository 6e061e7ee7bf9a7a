"""Starting and closing sweeps, and new questionnaire versions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import action, is_system, require, require_role
from fangkong.core.bulk import insert_rows
from fangkong.core.choices import AuditAction, DivisionLevel, Role
from fangkong.core.models import Division, UserRole
from fangkong.core.scoping import ADD, CHANGE, in_subtree
from fangkong.registry.choices import ResidentStatus
from fangkong.registry.models import Household, Resident

from ..choices import SweepStatus, VisitStatus
from ..models import Questionnaire, Sweep, SweepGrid, Visit
from ..questions import check_questions
from ..roles import QUESTIONNAIRE_EDITORS

CHUNK = 5000
VISIT_COLUMNS = ("sweep_id", "household_id", "grid_id", "assignee_id", "address", "members", "answered", "found",
                 "status", "attempts", "note")
# Residents a household still counts (moved-out and deceased people are not visited).
LIVING = (ResidentStatus.PRESENT, ResidentStatus.AWAY)


def _user(acting_user: Any) -> Any:
    return None if is_system(acting_user) else acting_user


def _organiser_division(acting_user: Any, areas: list[Division]) -> Division:
    """The user's division; for SYSTEM, the county of the areas."""
    if not is_system(acting_user):
        return acting_user.division
    return Division.objects.get(level=DivisionLevel.COUNTY, path=areas[0].path[:6])


def _outermost(areas: list[Division]) -> list[Division]:
    """The chosen divisions without those inside another chosen one (a village of a chosen township)."""
    paths = sorted({a.path for a in areas})
    keep = {p for p in paths if not any(p != q and p[:len(q)] == q for q in paths)}
    return sorted({a.pk: a for a in areas if a.path in keep}.values(), key=lambda a: a.path)


@action
def do_start_sweep(*, acting_user: Any, name: str, areas: Iterable[Division], due_at: dt.datetime,
                   questionnaire: Questionnaire | None = None, max_attempts: int = 3,
                   previous: Sweep | None = None) -> Sweep:
    """发起地毯式排摸: one visit item per registry household of the grids in `areas`, for each grid's
    worker, written set-based; audited as one row with the count (not one per household)."""
    require(acting_user, Sweep, ADD)
    areas = _outermost([a for a in areas if a is not None])
    if not areas:
        raise ValidationError(_("请选择排摸区域"))
    if not name.strip():
        raise ValidationError(_("请填写排摸名称"))
    if due_at <= timezone.now():
        raise ValidationError(_("完成时限应晚于现在"))
    if not 1 <= max_attempts <= 10:
        raise ValidationError(_("不在家上门次数上限应在1到10之间"))
    organiser = _organiser_division(acting_user, areas)
    inside = set(Division.objects.subtree(organiser).filter(pk__in=[a.pk for a in areas]).values_list("pk", flat=True))
    if any(a.pk not in inside for a in areas):
        raise PermissionDenied(_("排摸区域超出您的管辖范围"))
    questionnaire = questionnaire or Questionnaire.objects.order_by("-number").first()
    if questionnaire is None:
        raise ValidationError(_("还没有排摸问卷，请先建立问卷"))
    if previous is None:
        previous = Sweep.objects.filter(division=organiser).order_by("-created_at", "-id").first()
    sweep = Sweep.objects.create(name=name.strip(), division=organiser, questionnaire=questionnaire, due_at=due_at,
                                 max_attempts=max_attempts, previous=previous, created_by=_user(acting_user))
    sweep.areas.set(areas)
    sweep.households = create_visits(sweep, areas)
    sweep.save(update_fields=["households"])
    audit.record(AuditAction.CREATE, sweep, verb="start_sweep", changes={
        "name": [None, sweep.name], "areas": [None, [a.name for a in areas]], "due_at": [None, due_at.isoformat()],
        "questionnaire": [None, questionnaire.number], "households": [None, sweep.households]})
    return sweep


def create_visits(sweep: Sweep, areas: list[Division]) -> int:
    """Write one `Visit` per registry household of the areas' grids, in chunks of plain rows;
    returns how many.

    Three reads (grids and their workers, households, living members per household) and
    bulk inserts: no query per household."""
    grids: set[int] = set()
    for area in areas:
        grids |= set(Division.objects.subtree(area).filter(level=DivisionLevel.GRID).values_list("pk", flat=True))
    worker: dict[int, int] = {}
    for division_id, user_id in (UserRole.objects.filter(role=Role.GRID_WORKER, user__is_active=True,
                                                         user__division_id__in=grids)
                                 .order_by("user__username").values_list("user__division_id", "user_id")):
        worker.setdefault(division_id, user_id)
    SweepGrid.objects.bulk_create([SweepGrid(sweep=sweep, grid_id=g) for g in sorted(grids)], batch_size=CHUNK)
    members: dict[int, int] = {}
    households: list[tuple[int, int, str]] = []
    for area in areas:
        members.update(in_subtree(Resident.objects.filter(status__in=LIVING, household__isnull=False),
                                  "household__grid", area)
                       .order_by().values_list("household_id").annotate(n=Count("id")).values_list("household_id", "n"))
        households += in_subtree(Household.objects.all(), "grid", area).order_by().values_list("pk", "grid_id",
                                                                                                 "address")
    # Plain tuples through core.bulk (COPY on PostgreSQL, executemany on SQLite): building a model
    # instance per row and compiling its INSERT cost ten times the database's own work.
    total, pending = 0, VisitStatus.PENDING.value
    for start in range(0, len(households), CHUNK):
        total += insert_rows(Visit, VISIT_COLUMNS, [
            (sweep.pk, pk, grid, worker.get(grid), address[:255], members.get(pk, 0), 0, 0, pending, 0, "")
            for pk, grid, address in households[start:start + CHUNK]])
    return total


@action
def do_close_sweep(sweep: Sweep, *, acting_user: Any) -> Sweep:
    """结束排摸: no more visits are recorded; coverage stays as it is."""
    require(acting_user, sweep, CHANGE)
    if sweep.status == SweepStatus.CLOSED:
        raise ValidationError(_("该排摸已结束"))
    sweep.status = SweepStatus.CLOSED
    sweep.save(update_fields=["status"])
    audit.record(AuditAction.UPDATE, sweep, verb="close_sweep",
                 changes={"status": [SweepStatus.OPEN.value, SweepStatus.CLOSED.value]})
    return sweep


@action
def do_new_questionnaire_version(*, acting_user: Any, title: str, questions: list[dict[str, Any]],
                                 note: str = "") -> Questionnaire:
    """A new version of the questionnaire (the old ones stay as they were, with their answers)."""
    require_role(acting_user, *QUESTIONNAIRE_EDITORS)
    errors = check_questions(questions)
    if errors:
        raise ValidationError(errors)
    last = Questionnaire.objects.order_by("-number").values_list("number", flat=True).first() or 0
    q = Questionnaire.objects.create(number=last + 1, title=title.strip() or _("排摸问卷"), questions=questions,
                                     note=note)
    audit.record(AuditAction.CREATE, q, verb="new_questionnaire_version",
                 changes={"number": [None, q.number], "questions": [None, [x["key"] for x in questions]]})
    return q
