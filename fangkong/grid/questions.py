"""The first version of the sweep questionnaire (seed 001 / 002 / 004: 在家还是外出、去向、
近14天行程、症状、疫苗接种、重点人群岗位、卧床). Data, written once by the migration; later
versions are made by the command centre (`do_new_questionnaire_version`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .choices import QuestionType

FIRST_TITLE = "地毯式排摸入户问卷"
FIRST_QUESTIONS: list[dict[str, Any]] = [
    {"key": "presence", "label": "在家情况", "type": "choice", "choices": [["present", "在家"], ["away", "外出"]]},
    {"key": "away_to", "label": "外出去向", "type": "text"},
    {"key": "travel_risk", "label": "近14天是否途经中高风险地区", "type": "bool", "risk_if": True},
    {"key": "travel_place", "label": "途经地区", "type": "text"},
    {"key": "symptoms", "label": "有无发热、咳嗽、乏力等症状", "type": "bool", "risk_if": True},
    {"key": "vaccinated", "label": "已完成疫苗接种", "type": "bool"},
    {"key": "key_job", "label": "重点人群岗位（如冷链、医务、快递）", "type": "text"},
    {"key": "bedridden", "label": "卧床或行动不便", "type": "bool"},
]
# Keys the actions read: presence and where (the registry's status), the phone of a found person.
PRESENCE, AWAY_TO, TRAVEL_PLACE = "presence", "away_to", "travel_place"
TYPES = set(QuestionType.values)


def check_questions(questions: Any) -> list[str]:
    """What is wrong with a list of questions (Chinese messages); empty when it is usable."""
    if not isinstance(questions, list) or not questions:
        return [_("问卷至少要有一个问题")]
    errors, keys = [], set()
    for i, q in enumerate(questions, 1):
        if not isinstance(q, dict) or not q.get("key") or not q.get("label"):
            errors.append(_("第%(n)s题缺少编号或题目") % {"n": i})
            continue
        if q["key"] in keys:
            errors.append(_("第%(n)s题的编号%(key)s重复") % {"n": i, "key": q["key"]})
        keys.add(q["key"])
        if q.get("type") not in TYPES:
            errors.append(_("第%(n)s题的类型应为 choice、bool 或 text") % {"n": i})
        if q.get("type") == QuestionType.CHOICE and not q.get("choices"):
            errors.append(_("第%(n)s题是单选题，需要选项") % {"n": i})
    if PRESENCE not in keys:
        errors.append(_("问卷必须包含“在家情况”(presence)"))
    return errors
