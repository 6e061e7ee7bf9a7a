"""A second sweep against the first: per person, which answers changed (在家 → 外出, a new
risk, …), who is new and who was not recorded this time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from .choices import DiffKind
from .models import MemberAnswer, Questionnaire, Sweep
from .models.questionnaire import shown


@dataclass
class PersonDiff:
    name: str
    resident_id: int | None
    address: str
    changes: list[tuple[str, str, str]]  # (question, before, after)
    kind: DiffKind


def _answers(sweep: Sweep, answers: QuerySet[MemberAnswer]) -> dict[int, MemberAnswer]:
    rows = answers.filter(visit__sweep=sweep, resident__isnull=False).select_related("visit", "questionnaire")
    return {a.resident_id: a for a in rows}


def _changes(q_before: Questionnaire, q_after: Questionnaire, before: dict[str, Any],
             after: dict[str, Any]) -> list[tuple[str, str, str]]:
    out = []
    for question in q_after.questions:
        key = question["key"]
        old_q = q_before.question(key)
        if old_q is None or key not in before or key not in after:
            continue  # a question of one version only: nothing to compare
        if before[key] != after[key]:
            out.append((question["label"], shown(old_q, before[key]), shown(question, after[key])))
    return out


def sweep_diff(sweep: Sweep, answers: QuerySet[MemberAnswer], previous: Sweep | None = None) -> list[PersonDiff]:
    """What changed per registry person since `previous` (the sweep's own previous by default),
    over the answers the viewer may see. Persons recorded in only one of the two sweeps are
    listed as new or missing."""
    previous = previous or sweep.previous
    if previous is None:
        return []
    now, then = _answers(sweep, answers), _answers(previous, answers)
    out = []
    for rid, a in now.items():
        b = then.get(rid)
        if b is None:
            out.append(PersonDiff(a.name, rid, a.visit.address, [], DiffKind.NEW))
            continue
        changes = _changes(b.questionnaire, a.questionnaire, b.answers, a.answers)
        if changes:
            out.append(PersonDiff(a.name, rid, a.visit.address, changes, DiffKind.CHANGED))
    out += [PersonDiff(b.name, rid, b.visit.address, [], DiffKind.MISSING) for rid, b in then.items() if rid not in now]
    return sorted(out, key=lambda d: (d.address, d.name))
