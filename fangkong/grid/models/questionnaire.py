from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.core.scoping import ScopedModel

from ..choices import QuestionType
from ..roles import GRID_VIEWERS, QUESTIONNAIRE_EDITORS


class Questionnaire(ScopedModel):
    """排摸问卷: one version of the questions asked at each door, as data.

    A version is never changed once saved: a new wording is a new version, and every answer keeps
    the version it was given under (`MemberAnswer.questionnaire`). `questions` is a list of
    `{"key", "label", "type": choice|bool|text, "choices": [[value, label], …], "risk_if": value}`;
    an answer equal to a question's `risk_if` makes the person a risk (a lead at once).
    """

    number = models.PositiveIntegerField(_("版本号"))
    title = models.CharField(_("标题"), max_length=100)
    questions = models.JSONField(_("问题"), default=list)
    note = models.CharField(_("修订说明"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope_division_field = None  # reference data: the same questions for everyone
    scope_roles = {"view": GRID_VIEWERS, "add": QUESTIONNAIRE_EDITORS}

    class Meta:
        ordering = ["-number"]
        verbose_name = _("排摸问卷")
        verbose_name_plural = _("排摸问卷")
        constraints = [
            models.UniqueConstraint(fields=["number"], name="questionnaire_number_unique",
                                    violation_error_message="该版本号已存在"),
        ]

    def __str__(self) -> str:
        return gettext("%(title)s(第%(number)s版)") % {"title": self.title, "number": self.number}

    def question(self, key: str) -> dict[str, Any] | None:
        return next((q for q in self.questions if q.get("key") == key), None)

    def risks(self, answers: dict[str, Any]) -> list[str]:
        """Labels of the questions whose answer is their `risk_if` value."""
        return [q["label"] for q in self.questions
                if "risk_if" in q and q.get("key") in answers and answers[q["key"]] == q["risk_if"]]

    def defaults(self) -> dict[str, Any]:
        """The answers of a person for whom nothing is to note (present, no risk, nothing typed)."""
        out: dict[str, Any] = {}
        for q in self.questions:
            if q["type"] == QuestionType.BOOL:
                out[q["key"]] = False
            elif q["type"] == QuestionType.CHOICE:
                out[q["key"]] = q["choices"][0][0] if q.get("choices") else ""
            else:
                out[q["key"]] = ""
        return out

    def display(self, answers: dict[str, Any]) -> list[tuple[str, str]]:
        """(label, shown value) for each question answered."""
        out = []
        for q in self.questions:
            if q["key"] not in answers:
                continue
            out.append((q["label"], shown(q, answers[q["key"]])))
        return out


def shown(question: dict[str, Any], value: Any) -> str:
    if question["type"] == QuestionType.BOOL:
        return gettext("是") if value else gettext("否")
    if question["type"] == QuestionType.CHOICE:
        return dict((str(k), str(v)) for k, v in question.get("choices", [])).get(str(value), str(value))
    return str(value or "")
