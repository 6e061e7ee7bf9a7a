"""Every grid model through the shared mixins: restrict per declared action, the API (schema,
scope, constant queries, masked personal data) and the list and detail pages."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from fangkong.core.models import Division
from fangkong.core.testkit import APITests, ScopeTests, ViewTests
from fangkong.registry.tests.factories import make_household, make_resident

from ..choices import MemberKind
from ..models import MemberAnswer, Questionnaire, Sweep, Visit
from ..questions import FIRST_QUESTIONS
from . import factories as F

_serial = itertools.count(1000)
# The organisers: a township cadre over the first village (in), the same role in another village (out).
ORGANISERS = ("township", ("township_cadre", "village_other"), "grid")
REFERENCE = ("grid", None, "lab")


def new_sweep(division: Division) -> Sweep:
    return Sweep.objects.create(name=f"测试排摸{next(_serial)}", division=division, questionnaire=F.questionnaire(),
                                due_at=timezone.now() + dt.timedelta(days=2))


def new_visit(grid: Division) -> Visit:
    h = make_household(grid)
    return Visit.objects.create(sweep=new_sweep(grid.parent), household=h, grid=grid, address=h.address, members=1)


class InGrid:
    user_in, user_out, user_none = "grid", "grid_other", "lab"

    def grid(self) -> Division:
        return self.users["grid"].division  # type: ignore[attr-defined]


class TestSweepMixins(InGrid, APITests.ReadOnly, ScopeTests.Restrict, ViewTests.List, ViewTests.Detail):
    model = Sweep
    api_basename = "grid-sweep"
    list_url_name, detail_url_name = "grid:sweep_list", "grid:sweep"
    scope_actions = ("view", "add", "change")
    op_users = {"add": ORGANISERS, "change": ORGANISERS}

    def make_object(self) -> Sweep:
        return new_sweep(self.grid().parent)


class TestVisitMixins(InGrid, APITests.ReadOnly, ScopeTests.Restrict, ViewTests.List, ViewTests.Detail):
    model = Visit
    api_basename = "grid-visit"
    list_url_name, detail_url_name = "grid:visit_list", "grid:visit"
    scope_actions = ("view", "change")

    def make_object(self) -> Visit:
        return new_visit(self.grid())


class TestMemberAnswerMixins(InGrid, APITests.ReadOnly, APITests.Pii, ScopeTests.Restrict, ViewTests.List,
                             ViewTests.Detail):
    model = MemberAnswer
    api_basename = "grid-answer"
    list_url_name, detail_url_name = "grid:memberanswer_list", "grid:memberanswer"
    scope_actions = ("view", "change")

    def make_object(self) -> MemberAnswer:
        v = new_visit(self.grid())
        r = make_resident(self.grid(), household=v.household)
        return MemberAnswer.objects.create(visit=v, resident=r, kind=MemberKind.REGISTERED, name=r.name,
                                           id_number=r.id_number, phone=r.phone, questionnaire=F.questionnaire(),
                                           answers={"presence": "present"})


class TestQuestionnaireMixins(APITests.ReadOnly, ScopeTests.Restrict, ViewTests.List):
    model = Questionnaire
    api_basename = "grid-questionnaire"
    list_url_name = "grid:questionnaire_list"
    user_in, user_out, user_none = REFERENCE
    scope_actions = ("view", "add")
    op_users = {"add": ("commander", None, "grid")}

    def list_params(self) -> dict[str, str]:
        return {"q": "测试问卷"}

    def make_object(self) -> Questionnaire:
        return Questionnaire.objects.create(number=next(_serial), title="测试问卷", questions=FIRST_QUESTIONS)
