"""What testing does when other areas send their events (core.signals)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from fangkong.core import audit
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditSource, TestKind

from .actions import do_add_key_group_member, do_save_key_group
from .models import KeyGroup, KeyGroupMember


def on_staff_listed(sender: Any, *, group_name: str, employer: str, division: Any, members: list[dict],
                    **kwargs: Any) -> int:
    """A business's approved staff join the key group `group_name` (kept in `division`; daily
    antigen tests, seed 001: "企业职工等重点人群每天进行抗原检测"); those already in it stay once."""
    added = 0
    with audit.audit_context(actor=SYSTEM, source=AuditSource.JOB), transaction.atomic():
        group = KeyGroup.objects.filter(name=group_name, division=division).first() or do_save_key_group(
            None, name=group_name, division=division, test_kind=TestKind.ANTIGEN, every_days=1, acting_user=SYSTEM)
        have = set(KeyGroupMember.objects.filter(group=group).values_list("id_number", flat=True))
        for m in members:
            if m["id_number"] in have:
                continue
            try:
                do_add_key_group_member(group, id_number=m["id_number"], name=m["name"], phone=m.get("phone", ""),
                                        employer=employer, acting_user=SYSTEM)
            except ValidationError:
                continue  # checked when the list was taken; a number refused here is not a member
            have.add(m["id_number"])
            added += 1
    return added
