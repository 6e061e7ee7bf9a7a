"""群众举报: a tip-off filed by the public (no login, anonymous allowed), then handled by the grid
line — turned into a lead of the tip_off channel (screening's own intake, routed to a grid), into
a sector inspection of a venue (on the inspectors' list until the venue is inspected), or closed
as unfounded, a duplicate or done. Every step is one audited action."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import action, is_system, require
from fangkong.core.choices import LEVEL_PATH_LENGTH, AuditAction, DivisionLevel, Role
from fangkong.core.identity import InvalidValue, clean_id_number, clean_name, clean_phone, receipt_code
from fangkong.core.models import Division, User
from fangkong.core.notify import notify, resolve
from fangkong.core.scoping import CHANGE, VIEW, in_subtree
from fangkong.screening.actions import do_submit_lead
from fangkong.screening.choices import Channel
from fangkong.screening.cleaning import LeadInput
from fangkong.sectors.actions import MAX_PHOTO_BYTES, photo_kind
from fangkong.sectors.models import Inspection, Venue

from ..away import responsible, village_cadres
from ..choices import TIP_OFF_VERDICTS, TipOffKind, TipOffStatus
from ..models import TipOff

CODE_LENGTH = 10
TOWNSHIP_PATH = LEVEL_PATH_LENGTH[DivisionLevel.TOWNSHIP]


def new_tip_off_code() -> str:
    """10 characters without 0/O, 1/I: unguessable (32^10) and easy to read out."""
    return receipt_code(CODE_LENGTH)


def _user(acting_user: Any) -> Any:
    return None if is_system(acting_user) else acting_user


@dataclass
class TipOffInput:
    """One tip-off as the public form or the API gives it (already cleaned)."""

    kind: str
    division: Division
    address: str
    what: str
    who_name: str = ""
    who_phone: str = ""
    who_description: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    photo: Any = None  # an uploaded file or bytes


def read_photo(photo: Any) -> tuple[bytes, str, str] | None:
    """(data, content type, suffix) of one photo, checked like an inspection's; None without one."""
    if not photo:
        return None
    data = photo.read() if hasattr(photo, "read") else bytes(photo)
    if not data:
        return None
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationError({"photo": _("照片过大（最大10MB）")})
    kind = photo_kind(data)
    if kind is None:
        raise ValidationError({"photo": _("只能上传照片（jpg、png、webp、heic）")})
    return data, *kind


def _handlers(division: Division) -> list[User]:
    """Who is told of a new tip-off: the village's cadres (else the grid worker responsible)."""
    cadres = village_cadres(division)
    if cadres:
        return cadres
    worker = responsible(division)
    return [worker] if worker else []


@action
def do_submit_tip_off(item: TipOffInput, *, acting_user: Any) -> TipOff:
    """File a tip-off (the public page passes SYSTEM); the village's cadres are told."""
    if not is_system(acting_user):
        require(acting_user, TipOff, VIEW)
    if item.kind not in TipOffKind.values:
        raise ValidationError({"kind": _("请选择举报类型")})
    if item.division.level not in (DivisionLevel.VILLAGE, DivisionLevel.GRID):
        raise ValidationError({"division": _("请选择所在的村（社区）")})
    if not item.what.strip():
        raise ValidationError({"what": _("请填写举报内容")})
    image = read_photo(item.photo)
    code = new_tip_off_code()
    while TipOff.objects.filter(code=code).exists():
        code = new_tip_off_code()
    tip = TipOff(code=code, kind=item.kind, division=item.division, address=item.address[:255],
                 what=item.what.strip()[:2000], who_name=item.who_name[:40], who_phone=item.who_phone[:20],
                 who_description=item.who_description[:255], reporter_name=item.reporter_name[:40],
                 reporter_phone=item.reporter_phone[:20])
    if image is not None:
        data, content_type, suffix = image
        tip.photo_type = content_type
        tip.photo.save(f"tipoff-{code}.{suffix}", ContentFile(data), save=False)
    tip.save()
    snapshot = audit.snapshot(tip)
    for f in ("reporter_name", "reporter_phone"):  # the reporter stays out of the audit trail's text
        if snapshot.get(f):
            snapshot[f] = "***"
    audit.record(AuditAction.CREATE, tip, verb="submit_tip_off", changes=audit.diff({}, snapshot))
    notify(_handlers(item.division), "grid.tip_off", _("新的群众举报：%(kind)s") % {"kind": tip.get_kind_display()},
           f"{item.division.name} {tip.address}", reverse("grid:tipoff", args=[tip.pk]))
    return tip


def _lock(tip: TipOff) -> TipOff:
    return TipOff.objects.select_for_update().get(pk=tip.pk)


def _handle(tip: TipOff, status: str, note: str, acting_user: Any, verb: str, **fields: Any) -> TipOff:
    if tip.status != TipOffStatus.PENDING and not (status == TipOffStatus.DONE
                                                    and tip.status in (TipOffStatus.TO_LEAD, TipOffStatus.TO_INSPECTION)):
        raise ValidationError(_("该举报已处理（%(status)s）") % {"status": tip.get_status_display()})
    before = audit.snapshot(tip)
    tip.status, tip.outcome_note = status, (note or "").strip()[:255]
    tip.handled_by, tip.handled_at = _user(acting_user), timezone.now()
    for name, value in fields.items():
        setattr(tip, name, value)
    tip.save()
    audit.record(AuditAction.ACTION, tip, verb=verb, changes=audit.diff(before, audit.snapshot(tip)))
    resolve(url=reverse("grid:tipoff", args=[tip.pk]))
    return tip


@action
def do_tip_off_to_lead(tip: TipOff, *, acting_user: Any, name: str = "", phone: str = "", id_number: str = "",
                       grid: Division | None = None, note: str = "") -> TipOff:
    """转为线索: a lead of the tip_off channel through screening's intake, routed to `grid` (a grid
    of the tip-off's village; the village itself when not chosen), opening a verification."""
    require(acting_user, tip, CHANGE)
    tip = _lock(tip)
    if tip.status != TipOffStatus.PENDING:
        raise ValidationError(_("该举报已处理（%(status)s）") % {"status": tip.get_status_display()})
    target = grid or tip.division
    if not target.path.startswith(tip.division.path) and not tip.division.path.startswith(target.path):
        raise ValidationError({"grid": _("请选择举报地点所在村（社区）的网格")})
    phone, id_number = (phone or tip.who_phone).strip(), (id_number or "").strip()
    if not phone and not id_number:
        raise ValidationError({"phone": _("转为线索需要被举报人的手机号或身份证号，请核实后填写")})
    item = LeadInput(name=(name or tip.who_name).strip(), phone=phone, id_number=id_number,
                     address=f"{tip.division.name}{tip.address}", division_hint_id=target.pk,
                     note=_("群众举报（%(code)s）%(kind)s：%(what)s") % {
                         "code": tip.code, "kind": tip.get_kind_display(), "what": tip.what[:200]})
    try:
        item.phone = clean_phone(item.phone) if item.phone else ""
        item.id_number = clean_id_number(item.id_number) if item.id_number else ""
        item.name = clean_name(item.name) if item.name else ""
    except InvalidValue as exc:
        raise ValidationError(str(exc)) from exc
    lead, _created = do_submit_lead(item, channel=Channel.TIP_OFF, acting_user=acting_user)
    if lead is None:
        raise ValidationError(_("线索未能生成，请核对被举报人信息"))
    return _handle(tip, TipOffStatus.TO_LEAD, note, acting_user, "tip_off_to_lead", lead=lead)


def venues_for(tip: TipOff, user: Any):
    """The venues a tip-off may be sent to: those of its township, in the user's scope."""
    qs = Venue.objects.all() if is_system(user) else Venue.objects.restrict(user)
    township = Division.objects.filter(level=DivisionLevel.TOWNSHIP, path=tip.division.path[:TOWNSHIP_PATH]).first()
    if township is None:
        return qs.none()
    return in_subtree(qs, "grid", township).select_related("sector").order_by("name")


@action
def do_tip_off_to_inspection(tip: TipOff, *, acting_user: Any, venue: Venue, note: str = "") -> TipOff:
    """转为行业检查: the venue goes on the inspectors' list (场所检查, 群众举报待检查); its sector's
    regulators are told; the venue's next inspection closes the tip-off."""
    require(acting_user, tip, CHANGE)
    tip = _lock(tip)
    if not venues_for(tip, acting_user).filter(pk=venue.pk).exists():
        raise ValidationError({"venue": _("请选择举报地点所在乡镇（街道）的场所")})
    tip = _handle(tip, TipOffStatus.TO_INSPECTION, note, acting_user, "tip_off_to_inspection", venue=venue)
    regulators = User.objects.filter(is_active=True, roles__role=Role.SECTOR_REGULATOR).distinct().order_by("pk")
    township = venue.grid.path[:TOWNSHIP_PATH]
    told = [u for u in regulators.select_related("division") if u.division and township.startswith(u.division.path)]
    told += [u for u in User.objects.filter(is_active=True, roles__role=Role.TOWNSHIP_CADRE,
                                            division__path=township).distinct()]
    notify(told, "grid.tip_off_inspection", _("群众举报待检查：%(venue)s") % {"venue": venue.name},
           f"{tip.get_kind_display()}：{tip.what[:80]}", reverse("sectors:inspect", args=[venue.pk]))
    return tip


@action
def do_judge_tip_off(tip: TipOff, *, acting_user: Any, status: str, note: str = "") -> TipOff:
    """不属实 / 重复 (a pending tip-off), 已办结 (a pending one, or one turned into a lead or an inspection)."""
    require(acting_user, tip, CHANGE)
    if status not in TIP_OFF_VERDICTS:
        raise ValidationError({"status": _("无效的处理结果")})
    if status in (TipOffStatus.UNFOUNDED, TipOffStatus.DUPLICATE) and not (note or "").strip():
        raise ValidationError({"note": _("请填写处理说明")})
    tip = _lock(tip)
    return _handle(tip, status, note, acting_user, f"tip_off_{status}")


@action
def do_close_tip_offs_inspected(inspection: Inspection, *, acting_user: Any) -> int:
    """An inspection of a venue closes the tip-offs sent to it as inspections (已办结)."""
    require(acting_user, inspection, VIEW)
    n = 0
    for tip in TipOff.objects.select_for_update().filter(venue_id=inspection.venue_id,
                                                        status=TipOffStatus.TO_INSPECTION):
        note = _("已检查：%(finding)s") % {"finding": inspection.get_finding_display()}
        _handle(tip, TipOffStatus.DONE, note, acting_user, "tip_off_done", inspection=inspection,
                handled_by=tip.handled_by or _user(acting_user))
        n += 1
    return n
