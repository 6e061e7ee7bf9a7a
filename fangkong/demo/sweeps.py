"""The demo's 地毯式排摸: a first round over the first township, walked in the named grid worker's
grid and closed, and a second round in progress over the whole county with some households
walked (one tap, a risk answer, not at home, refused, a person found), so that the sweep, coverage,
household, answer and comparison pages all show something."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from fangkong.core.choices import DivisionLevel
from fangkong.core.models import Division, User
from fangkong.grid import actions
from fangkong.grid.choices import MemberKind
from fangkong.grid.models import Questionnaire, Visit
from fangkong.grid.questions import FIRST_QUESTIONS, FIRST_TITLE
from fangkong.registry.choices import ResidentStatus
from fangkong.registry.generator import named_users
from fangkong.registry.models import Resident


def _walk(sweep, worker: User, rng: random.Random, households: int, risk: bool) -> int:
    visits = list(Visit.objects.filter(sweep=sweep, grid=worker.division).order_by("address", "id")[:households])
    members = {}
    for r in Resident.objects.filter(household_id__in=[v.household_id for v in visits],
                                     status__in=[ResidentStatus.PRESENT, ResidentStatus.AWAY]).order_by("id"):
        members.setdefault(r.household_id, []).append(r)
    for i, v in enumerate(visits):
        if i == len(visits) - 1:
            actions.do_record_refused(v, acting_user=worker, note="不配合")
        elif i == len(visits) - 2:
            actions.do_record_not_home(v, acting_user=worker, note="白天上班")
        else:
            for j, m in enumerate(members.get(v.household_id, [])):
                answers = None
                if risk and i == 0 and j == 0:
                    answers = {"presence": "present", "travel_risk": True, "travel_place": "北京市朝阳区望京街道"}
                elif risk and i == 1 and j == 0:
                    answers = {"presence": "away", "away_to": "石家庄市", "vaccinated": True}
                actions.do_record_member(v, m, answers, acting_user=worker)
            if i == 2:
                actions.do_add_found_person(v, acting_user=worker, name="新住户" + rng.choice("甲乙丙"),
                                            kind=MemberKind.NEW_RESIDENT, phone=f"139{rng.randint(0, 99_999_999):08d}")
    return len(visits)


def seed_sweeps(commander: User, rng: random.Random) -> str:
    worker = named_users().get("grid")  # the demo's named grid worker
    county = Division.objects.filter(level=DivisionLevel.COUNTY).first()
    if worker is None or county is None or worker.division is None:
        return "无网格员，未生成排摸"
    if not Questionnaire.objects.exists():
        Questionnaire.objects.create(number=1, title=FIRST_TITLE, questions=FIRST_QUESTIONS, note="首版")
    township = worker.division.parent.parent
    due = timezone.now() + dt.timedelta(days=2)
    first = actions.do_start_sweep(acting_user=commander, name="第一轮地毯式排摸", areas=[township], due_at=due)
    _walk(first, worker, rng, 8, risk=False)
    actions.do_close_sweep(first, acting_user=commander)
    second = actions.do_start_sweep(acting_user=commander, name="第二轮地毯式排摸", areas=[county], due_at=due,
                                    previous=first)
    walked = _walk(second, worker, rng, 8, risk=True)
    return f"排摸 {second.households} 户，已走访 {walked} 户"
