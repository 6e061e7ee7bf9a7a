"""Releases for tests, moved through the actions by distinct people (author ≠ reviewer ≠ approver)."""

from __future__ import annotations

import itertools
from typing import Any

from fangkong.releases import actions
from fangkong.releases.choices import ReleaseKind
from fangkong.releases.models import ReleaseNote

_n = itertools.count(1)


def draft(
    author: Any, *, kind: str = ReleaseKind.NOTICE, title: str = "", body: str = "", **fields: Any
) -> ReleaseNote:
    return actions.do_draft_release(
        kind=kind,
        title=title or f"测试通告{next(_n)}",
        body=body or "全县各卡口继续查验健康码和行程卡。",
        acting_user=author,
        **fields,
    )


def to_state(note: ReleaseNote, state: str, *, reviewer: Any, approver: Any) -> ReleaseNote:
    """Move a draft on to `state` (submitted, reviewed, approved, published)."""
    order = ["submitted", "reviewed", "approved", "published"]
    steps = {
        "submitted": lambda: actions.do_submit_release(note, acting_user=note.author),
        "reviewed": lambda: actions.do_review_release(note, acting_user=reviewer),
        "approved": lambda: actions.do_approve_release(note, acting_user=approver),
        "published": lambda: actions.do_publish_release(note, acting_user=approver),
    }
    for step in order[: order.index(state) + 1]:
        steps[step]()
    note.refresh_from_db()
    return note
