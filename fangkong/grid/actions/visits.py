"""Recording a household's visit: each member (one tap when nothing changed), not at home,
refused, a person found who is not in the registry. A risk answer opens a lead in the
grid_screening channel at once (screening's own intake action, routed to the grid worker)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import action, is_system, require
from fangkong.core.choices import AuditAction
from fangkong.core.identity import InvalidValue, clean_id_number, clean_name, clean_phone
from fangkong.core.scoping import CHANGE
from fangkong.registry.actions import do_learn_from_sweep
from fangkong.registry.choices import ResidentStatus
from fangkong.registry.models import Resident
from fangkong.screening.actions import do_submit_lead
from fangkong.screening.choices import Channel
from fangkong.screening.cleaning import LeadInput

from ..choices import UNVISITED, MemberKind, Presence, QuestionType, SweepStatus, VisitStatus
from ..models import MemberAnswer, Questionnaire, Visit
from ..questions import AWAY_TO, PRESENCE, TRAVEL_PLACE


def _user(acting_user: Any) -> Any:
    return None if is_system(acting_user) else acting_user


def _lock(visit: Visit) -> Visit:
    v = Visit.objects.select_for_update().select_related("sweep__questionnaire").get(pk=visit.pk)
    if v.sweep.status != SweepStatus.OPEN:
        raise ValidationError(_("本轮排摸已结束"))
    return v


def clean_answers(q: Questionnaire, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers to `q`'s questions, typed; unknown keys dropped, a bad choice refused."""
    out = q.defaults()
    for question in q.questions:
        key = question["key"]
        if key not in answers:
            continue
        value = answers[key]
        if question["type"] == QuestionType.BOOL:
            value = value in (True, "true", "True", "on", "1", "yes", 1)
        elif question["type"] == QuestionType.CHOICE:
            if str(value) not in {str(c[0]) for c in question.get("choices", [])}:
                raise ValidationError(_("“%(label)s”的回答无效") % {"label": question["label"]})
        else:
            value = str(value or "").strip()[:128]
        out[key] = value
    return out


def _answered(v: Visit, acting_user: Any, now: Any) -> None:
    """A door opened: the household counts as visited from its first recorded person."""
    if v.status != VisitStatus.VISITED:
        v.status, v.visited_at, v.visited_by = VisitStatus.VISITED, now, _user(acting_user)


def _open_lead(ans: MemberAnswer, v: Visit, risks: list[str], acting_user: Any) -> None:
    """A risk answer → a lead of the grid_screening channel, routed by the registry (else this
    grid) to its grid worker, as the door-screening page does."""
    if not (ans.id_number or ans.phone):
        raise ValidationError(_("有风险的人员请填写身份证号或手机号，以便生成核查任务"))
    item = LeadInput(name=ans.name, id_number=ans.id_number, phone=ans.phone, address=v.address,
                     origin=str(ans.answers.get(TRAVEL_PLACE, "")), division_hint_id=v.grid_id,
                     note=_("地毯式排摸（%(sweep)s）发现：%(risks)s") % {"sweep": v.sweep.name, "risks": "、".join(risks)})
    lead, _created = do_submit_lead(item, channel=Channel.GRID_SCREENING, acting_user=acting_user)
    ans.lead = lead


@action
def do_record_member(visit: Visit, resident: Resident, answers: dict[str, Any] | None = None, *, acting_user: Any,
                     phone: str = "") -> MemberAnswer:
    """One registry member's answers; `answers=None` is the one tap: as in the registry (present,
    or away where it says), no risk. The registry learns presence and phone through its own action."""
    require(acting_user, visit, CHANGE)
    v = _lock(visit)
    if resident.household_id != v.household_id:
        raise ValidationError(_("该人员不属于此户"))
    if MemberAnswer.objects.filter(visit=v, resident=resident).exists():
        raise ValidationError(_("该人员本轮已登记"))
    q = v.sweep.questionnaire
    unchanged = answers is None
    if unchanged:
        away = resident.status == ResidentStatus.AWAY
        answers = {PRESENCE: Presence.AWAY.value if away else Presence.PRESENT.value,
                   AWAY_TO: resident.away_to if away else ""}
    clean = clean_answers(q, answers)
    if phone:
        try:
            phone = clean_phone(phone)
        except InvalidValue as exc:
            raise ValidationError(_("手机号格式不正确")) from exc
    risks = q.risks(clean)
    ans = MemberAnswer(visit=v, resident=resident, kind=MemberKind.REGISTERED, name=resident.name,
                       id_number=resident.id_number or "", phone=phone or resident.phone, questionnaire=q,
                       answers=clean, presence=clean.get(PRESENCE, Presence.PRESENT), risk=bool(risks),
                       unchanged=unchanged, by=_user(acting_user))
    if risks:
        _open_lead(ans, v, risks, acting_user)
    status = ResidentStatus.AWAY if ans.presence == Presence.AWAY else ResidentStatus.PRESENT
    ans.registry_updated = bool(do_learn_from_sweep(
        resident, status=status, away_to=str(clean.get(AWAY_TO, "")), phone=phone, sweep=v.sweep.name,
        acting_user=acting_user))
    ans.save()
    v.answered += 1
    _answered(v, acting_user, timezone.now())
    v.save(update_fields=["answered", "status", "visited_at", "visited_by"])
    audit.record(AuditAction.CREATE, ans, verb="record_member", changes={
        "answers": [None, clean], "risk": [None, ans.risk], "unchanged": [None, unchanged]})
    return ans


@action
def do_add_found_person(visit: Visit, *, acting_user: Any, name: str, kind: str = MemberKind.NEW_RESIDENT,
                        id_number: str = "", phone: str = "", answers: dict[str, Any] | None = None) -> MemberAnswer:
    """排摸新增人员: a person at the door who is not in the registry (a new resident or a visitor)."""
    require(acting_user, visit, CHANGE)
    v = _lock(visit)
    if kind not in (MemberKind.NEW_RESIDENT, MemberKind.VISITOR):
        raise ValidationError(_("请选择新增常住人员或来访暂住人员"))
    try:
        name = clean_name(name)
        id_number = clean_id_number(id_number) if id_number else ""
        phone = clean_phone(phone) if phone else ""
    except InvalidValue as exc:
        raise ValidationError(str(exc)) from exc
    q = v.sweep.questionnaire
    clean = clean_answers(q, answers or {})
    risks = q.risks(clean)
    ans = MemberAnswer(visit=v, kind=kind, name=name, id_number=id_number, phone=phone, questionnaire=q,
                       answers=clean, presence=clean.get(PRESENCE, Presence.PRESENT), risk=bool(risks),
                       by=_user(acting_user))
    if risks:
        _open_lead(ans, v, risks, acting_user)
    ans.save()
    v.found += 1
    _answered(v, acting_user, timezone.now())
    v.save(update_fields=["found", "status", "visited_at", "visited_by"])
    audit.record(AuditAction.CREATE, ans, verb="add_found_person", changes={
        "kind": [None, kind], "answers": [None, clean], "risk": [None, ans.risk]})
    return ans


@action
def do_record_not_home(visit: Visit, *, acting_user: Any, note: str = "") -> Visit:
    """不在家: one more try; at the sweep's limit the household counts as 未遇."""
    require(acting_user, visit, CHANGE)
    v = _lock(visit)
    if v.status not in UNVISITED:
        raise ValidationError(_("该户已登记走访结果"))
    before = v.status
    v.attempts += 1
    v.status = VisitStatus.UNMET if v.attempts >= v.sweep.max_attempts else VisitStatus.NOT_HOME
    v.note = note[:255] or v.note
    v.save(update_fields=["attempts", "status", "note"])
    audit.record(AuditAction.UPDATE, v, verb="record_not_home",
                 changes={"status": [before, v.status], "attempts": [v.attempts - 1, v.attempts]})
    return v


@action
def do_record_refused(visit: Visit, *, acting_user: Any, note: str = "") -> Visit:
    """拒绝排摸: the household refused; it is counted and shown to the cadres, not walked again."""
    require(acting_user, visit, CHANGE)
    v = _lock(visit)
    if v.status not in UNVISITED:
        raise ValidationError(_("该户已登记走访结果"))
    before = v.status
    v.status, v.note = VisitStatus.REFUSED, note[:255]
    v.visited_at, v.visited_by = timezone.now(), _user(acting_user)
    v.save(update_fields=["status", "note", "visited_at", "visited_by"])
    audit.record(AuditAction.UPDATE, v, verb="record_refused", changes={"status": [before, v.status]})
    return v
