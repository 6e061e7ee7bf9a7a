"""Actions on protocol versions: setting a category's measures, putting a version in force."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.control.choices import ContactType
from fangkong.core import audit
from fangkong.core.actions import action, require
from fangkong.core.choices import AuditAction
from fangkong.core.scoping import ADD, CHANGE
from fangkong.core.signals import protocol_published

from ..choices import ContactCategory, ProtocolStatus
from ..models import ProtocolCategory, ProtocolVersion

# The categories control keeps rules for (一般接触者 get health advice, no measure).
CONTROL_TYPES = {ContactCategory.CLOSE: ContactType.CLOSE_CONTACT,
                 ContactCategory.SECONDARY: ContactType.SECONDARY_CONTACT,
                 ContactCategory.CO_PRESENT: ContactType.SPACETIME}


@action
def do_save_category(version: ProtocolVersion, category: str, *, central_days: int = 0, home_days: int = 0,
                     home_kind: str = "", test_days: str = "", test_kind: str = "", acting_user: Any) -> ProtocolCategory:
    """Set what one category gets under a draft version."""
    require(acting_user, version, CHANGE)
    if version.status != ProtocolStatus.DRAFT:
        raise ValidationError(_("只能修改草稿状态的方案版本，请新建版本"))
    row = ProtocolCategory.objects.filter(version=version, category=category).first()
    before = audit.snapshot(row) if row else {}
    row = row or ProtocolCategory(version=version, category=category)
    row.central_days, row.home_days, row.test_days = central_days, home_days, test_days
    if home_kind:
        row.home_kind = home_kind
    if test_kind:
        row.test_kind = test_kind
    row.full_clean()
    row.save()
    require(acting_user, row, ADD)
    audit.record(AuditAction.UPDATE if before else AuditAction.CREATE, row, verb="save_protocol_category",
                 changes=audit.diff(before, audit.snapshot(row)))
    return row


def control_categories(version: ProtocolVersion) -> list[dict]:
    """The version's categories as control's policy rules take them (see core.signals.protocol_published)."""
    return [{"contact_type": str(CONTROL_TYPES[c.category]), "name": str(c.get_category_display()),
             "plan": c.plan(), "test_days": c.test_day_list, "test_kind": c.test_kind}
            for c in version.categories.all() if c.category in CONTROL_TYPES]


@action
def do_activate_protocol(version: ProtocolVersion, *, acting_user: Any) -> ProtocolVersion:
    """Put a version in force; the one before is retired. Control's policy follows in the same
    transaction; plans computed under the old version keep it."""
    version = ProtocolVersion.objects.select_for_update().get(pk=version.pk)
    require(acting_user, version, CHANGE)
    if version.status == ProtocolStatus.ACTIVE:
        raise ValidationError(_("该方案版本已在执行中"))
    if not version.categories.exists():
        raise ValidationError(_("该方案版本还没有设置任何人员类别的管控要求"))
    old = ProtocolVersion.in_force()
    if old is not None:
        old.status = ProtocolStatus.RETIRED
        old.save(update_fields=["status"])
        audit.record(AuditAction.ACTION, old, verb="retire_protocol",
                     changes={"status": [ProtocolStatus.ACTIVE, ProtocolStatus.RETIRED]})
    before = version.status
    version.status, version.activated_at = ProtocolStatus.ACTIVE, timezone.now()
    version.save(update_fields=["status", "activated_at"])
    audit.record(AuditAction.ACTION, version, verb="activate_protocol",
                 changes={"status": [before, ProtocolStatus.ACTIVE], "previous": [None, old.code if old else None]})
    protocol_published.send(sender=ProtocolVersion, code=version.code, title=version.title,
                            categories=control_categories(version), actor=acting_user)
    return version


def in_force() -> ProtocolVersion:
    version = ProtocolVersion.in_force()
    if version is None:
        raise ValidationError(_("尚无执行中的防控方案版本，请先在“方案版本”中启用一个版本"))
    return version
