"""The personal-data check of a release before it may go to review and before it is approved.

A public itinerary must pass tracing's linter of 综发〔2021〕103号 (no name, sex, age, phone, ID
number or employer, no time finer than a period of the day) against its case. Any other release
may not carry an ID number or a mobile number, nor the name, phone or employer of its case or of
any case of its division."""

from __future__ import annotations

from django.utils.translation import gettext as _

from fangkong.core.scoping import in_subtree
from fangkong.tracing.itinerary import ID_NUMBER, PHONE, lint_public
from fangkong.tracing.models import Case

from .choices import ReleaseKind
from .models import ReleaseNote

MIN_NAME = 2  # a one-character "name" would match everywhere


def lint_release(note: ReleaseNote) -> list[str]:
    """What keeps `note` from going out; empty when it may."""
    text = f"{note.title}\n{note.body}"
    if note.kind == ReleaseKind.ITINERARY:
        if note.case_id is None:
            return [_("活动轨迹须关联病例，才能核对个人信息")]
        return lint_public(text, note.case)
    problems = []
    if ID_NUMBER.search(text):
        problems.append(_("含有身份证号"))
    if PHONE.search(text):
        problems.append(_("含有手机号"))
    cases = in_subtree(Case._base_manager.all(), "division", note.division)
    names = {c.name for c in cases.only("name") if c.name and len(c.name) >= MIN_NAME}
    if note.case_id:
        names.add(note.case.name)
        case = note.case
        if case.phone and case.phone in text and _("含有手机号") not in problems:
            problems.append(_("含有手机号"))
        if case.employer and case.employer in text:
            problems.append(_("含有工作单位“%(e)s”") % {"e": case.employer})
    for name in sorted(n for n in names if n and n in text):
        problems.append(_("含有病例姓名“%(name)s”") % {"name": name})
    return problems
