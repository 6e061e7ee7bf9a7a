"""The sentinel actions: a sale or visit entered at the counter (or posted by a pharmacy's
system), and the response to a signal."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import action, is_system, require
from fangkong.core.choices import AuditAction
from fangkong.core.identity import InvalidValue
from fangkong.core.scoping import ADD, CHANGE, VIEW
from fangkong.screening.intake import notify_assignees

from ..choices import SignalResponse, SignalStatus
from ..models import SENTINEL_SECTORS, SentinelRecord, Signal, Venue
from .intake import CHANNEL, Cleaner, Session, write_chunk


def may_enter(user: Any) -> bool:
    """Whether `user` may enter sales or visits at the counter (the menu entry and the page)."""
    from fangkong.core.scoping import user_may

    return user_may(SentinelRecord, user, ADD) and user_may(Venue, user, VIEW)


@action
def do_record_sentinel(venue: Venue, *, acting_user: Any, values: dict[str, Any]) -> SentinelRecord:
    """哨点登记 at the counter: one real-name sale (or visit) at `venue`; the buyer becomes a
    sentinel lead with its test deadline, merged into the person they already are. `values` are
    raw: kind, drug, drug_class, quantity, name, id_number, phone, address, occurred_at (default
    now), temperature, symptoms. The same record twice is refused."""
    require(acting_user, venue, VIEW)
    require(acting_user, SentinelRecord, ADD)
    if venue.sector.code not in SENTINEL_SECTORS:
        raise ValidationError(_("该场所不是哨点（须为药店或医疗机构）"))
    user = None if is_system(acting_user) else acting_user
    raw = {**values, "occurred_at": values.get("occurred_at") or timezone.localtime().replace(microsecond=0)}
    try:
        item = Cleaner(user=user).clean(raw, venue=venue, reported_by_id=user.pk if user else None)
    except InvalidValue as exc:
        raise ValidationError(str(exc)) from None
    session = Session(full_audit=True)
    out = write_chunk([item], session)
    if not out.ids:
        raise ValidationError(_("这条登记已经录入过了，不会重复登记"))
    if session.assigned:
        notify_assignees(dict(session.assigned), CHANNEL)
    record = SentinelRecord.objects.get(pk=out.ids[0])
    require(acting_user, record, VIEW)
    return record


@action
def do_respond_signal(signal: Signal, *, acting_user: Any, response: str, note: str = "") -> Signal:
    """Record the response to a signal (who, when, what was done); a late one stays marked late."""
    require(acting_user, signal, CHANGE)
    if signal.status != SignalStatus.OPEN:
        raise ValidationError(_("该预警已响应"))
    if response not in SignalResponse.values:
        raise ValidationError({"response": _("请选择响应措施")})
    if not note.strip():
        raise ValidationError({"note": _("请填写响应说明（核实情况、采取的措施）")})
    before = audit.snapshot(signal)
    signal.status, signal.response, signal.response_note = SignalStatus.RESPONDED, response, note.strip()
    signal.responded_at = timezone.now()
    signal.responded_by = None if is_system(acting_user) else acting_user
    signal.save(update_fields=["status", "response", "response_note", "responded_at", "responded_by"])
    changes = audit.diff(before, audit.snapshot(signal))
    changes["late"] = signal.response_late
    audit.record(AuditAction.ACTION, signal, verb="respond_signal", changes=changes)
    return signal
