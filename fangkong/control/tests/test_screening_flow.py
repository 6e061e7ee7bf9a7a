"""From a lead to a measure: the real screening flow ends in the policy's measure."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.choices import MeasureKind
from fangkong.screening import actions as screening
from fangkong.screening.choices import Channel, LeadKind, Outcome, ReviewDecision
from fangkong.screening.intake import LeadInput

from ..choices import OriginLevel, RiskLevel
from ..models import Measure
from ..receivers import split_place
from . import factories as F


def test_it_splits_free_text_places():
    assert split_place("河北省石家庄市藁城区增村镇小果庄村") == {
        "province": "河北省", "city": "石家庄市", "county": "藁城区", "township": "增村镇", "community": "小果庄村"}
    assert split_place("北京市朝阳区望京街道")["province"] == "北京市"
    assert split_place("") == {"province": "", "city": "", "county": "", "township": "", "community": ""}


def _controlled(users, channel, django_capture_on_commit_callbacks, **lead):
    r = F.person().resident
    lead_obj, _ = screening.do_submit_lead(LeadInput(name=r.name, id_number=r.id_number, phone=r.phone, **lead),
                                           channel=channel, acting_user=SYSTEM)
    v = lead_obj.verification
    screening.do_submit_outcome(v, Outcome.CONTROLLED, measure_kind=MeasureKind.HOME_ISOLATION,
                                place="家中", reason="核实", acting_user=users["grid"])
    reviewer = users[f"{v.module}_reviewer"]
    with django_capture_on_commit_callbacks(execute=True):
        screening.do_review(v, ReviewDecision.APPROVED, acting_user=reviewer)
    return Measure.objects.get(person=v.person)


def test_it_starts_the_rule_for_a_lead_from_a_medium_risk_area(users, django_capture_on_commit_callbacks):
    F.standard_policy()
    today = timezone.localdate()
    F.area(RiskLevel.MEDIUM, today - dt.timedelta(days=10), township="增村镇")
    arrived = timezone.now() - dt.timedelta(days=2)
    m = _controlled(users, Channel.BIG_DATA, django_capture_on_commit_callbacks,
                    origin="河北省石家庄市藁城区增村镇小果庄村", arrived_at=arrived)
    assert (m.exposure.origin_level, m.exposure.days_since_leaving) == (OriginLevel.MEDIUM, 2)
    assert (m.kind, m.rule.name) == (MeasureKind.HOME_ISOLATION, "中风险区")


def test_it_treats_close_contact_and_abroad_leads_by_their_rules(users, django_capture_on_commit_callbacks):
    F.standard_policy()
    contact = _controlled(users, Channel.CLOSE_CONTACT, django_capture_on_commit_callbacks)
    assert (contact.kind, contact.rule.name, contact.exposure.contact_type) == (
        MeasureKind.CENTRAL_QUARANTINE, "密接", "close_contact")
    abroad = _controlled(users, Channel.BIG_DATA, django_capture_on_commit_callbacks, kind=LeadKind.FROM_ABROAD)
    assert abroad.rule.name == "境外返回" and abroad.exposure.from_abroad
