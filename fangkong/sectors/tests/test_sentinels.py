"""哨点监测: a sale at the counter becomes a sentinel lead with its test deadline, merged into the
person the platform already knows; bad input refused in Chinese; the daily counts kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.models import AuditLog
from fangkong.screening.choices import Channel, VerificationStatus
from fangkong.screening.intake import LeadInput, ingest
from fangkong.screening.models import DeadlinePolicy, Lead, Person
from fangkong.sectors.choices import DrugClass, SentinelKind
from fangkong.sectors.models import SentinelCount, SentinelRecord
from fangkong.sectors.sentinel.actions import do_record_sentinel

from .factories import make_venue

pytestmark = pytest.mark.django_db

ID = "110105199001011232"


def _sale(**values):
    return {"drug": "芬必得", "quantity": "2", "name": "王小明", "id_number": ID, "phone": "13912345678", **values}


def test_a_pharmacy_sale_becomes_a_sentinel_lead_merged_with_the_known_person(users):
    grid = users["grid"].division
    known = ingest([LeadInput(name="王小明", id_number=ID, phone="13912345678")], channel=Channel.BIG_DATA)
    person = known.leads[0].person
    pharmacy = make_venue(grid, "pharmacy", name="康民大药房")
    before = timezone.now()

    record = do_record_sentinel(pharmacy, values=_sale(), acting_user=users["regulator"])

    assert record.person_id == person.pk and Person.objects.filter(id_number=ID).count() == 1
    assert (record.kind, record.drug.name, record.drug_class, record.quantity) == (
        SentinelKind.SALE, "布洛芬", DrugClass.FEVER, 2)
    lead = Lead.objects.get(channel=Channel.SENTINEL)
    assert lead.person_id == person.pk and lead.dedup_key == record.lead_key and lead.source == "康民大药房"
    assert "退烧" in lead.note and record.division_id == grid.pk
    # The person's one open task (opened by the big-data lead) carries the sentinel lead too.
    assert record.verification_id == known.leads[0].verification_id
    assert record.verification.status == VerificationStatus.OPEN
    assert SentinelCount.objects.get(venue_id=pharmacy.pk).n == 1
    assert AuditLog.objects.filter(verb="record_sentinel", object_id=str(record.pk), at__gte=before).exists()


def test_a_new_buyer_gets_a_task_to_be_tested_within_the_channels_n_hours(users):
    DeadlinePolicy.objects.create(channel=Channel.SENTINEL, located_hours=12, sampled_hours=36, result_hours=60)
    pharmacy = make_venue(users["grid"].division, "pharmacy")
    record = do_record_sentinel(pharmacy, values=_sale(id_number="", phone="13700001111", name="李四"),
                                acting_user=SYSTEM)
    task = record.verification
    assert task.channel == Channel.SENTINEL and task.person.division_id == pharmacy.grid_id
    assert task.sampled_due_at - task.opened_at == dt.timedelta(hours=36)


def test_the_default_test_deadline_of_a_sentinel_lead_is_48_hours():
    policy = DeadlinePolicy.for_channel(Channel.SENTINEL)
    assert (policy.located_hours, policy.sampled_hours) == (12, 48)


def test_it_refuses_bad_input_in_chinese(users):
    pharmacy = make_venue(users["grid"].division, "pharmacy")
    with pytest.raises(ValidationError) as err:
        do_record_sentinel(pharmacy, values=_sale(drug="维生素C", id_number="123", phone=""), acting_user=SYSTEM)
    text = " ".join(err.value.messages)
    assert "不在四类药品目录中" in text and "身份证号" in text
    with pytest.raises(ValidationError, match="体温"):
        do_record_sentinel(pharmacy, values=_sale(kind="发热门诊", drug="", temperature="52"), acting_user=SYSTEM)
    ktv = make_venue(users["grid"].division, "ktv")
    with pytest.raises(ValidationError, match="不是哨点"):
        do_record_sentinel(ktv, values=_sale(), acting_user=SYSTEM)
    assert not SentinelRecord.objects.exists()


def test_a_written_class_covers_a_drug_outside_the_catalogue_and_a_visit_needs_no_drug(users):
    clinic = make_venue(users["grid"].division, "medical", name="城关镇卫生院")
    sale = do_record_sentinel(make_venue(users["grid"].division, "pharmacy"),
                              values=_sale(drug="某某止咳片", drug_class=""), acting_user=SYSTEM)
    assert sale.drug is None and sale.drug_class == DrugClass.COUGH
    visit = do_record_sentinel(clinic, values=_sale(kind="发热门诊", drug="", temperature="38.6", symptoms="咳嗽"),
                               acting_user=SYSTEM)
    assert (visit.kind, visit.drug_class, str(visit.temperature)) == (SentinelKind.FEVER_CLINIC, "", "38.6")
    assert visit.person_id == sale.person_id  # the same ID number: one person


def test_the_same_sale_twice_is_refused_and_counted_once(users):
    pharmacy = make_venue(users["grid"].division, "pharmacy")
    values = _sale(occurred_at="2026-12-01 09:30")
    do_record_sentinel(pharmacy, values=values, acting_user=SYSTEM)
    with pytest.raises(ValidationError, match="已经录入过"):
        do_record_sentinel(pharmacy, values=values, acting_user=SYSTEM)
    assert SentinelRecord.objects.count() == 1 and SentinelCount.objects.get().n == 1


def test_a_venue_outside_the_users_scope_is_refused(users):
    pharmacy = make_venue(users["grid_other"].division, "pharmacy")
    with pytest.raises(PermissionDenied):
        do_record_sentinel(pharmacy, values=_sale(), acting_user=users["grid"])
    with pytest.raises(PermissionDenied):  # a grid worker may not enter sales at all
        do_record_sentinel(make_venue(users["grid"].division, "pharmacy"), values=_sale(),
                           acting_user=users["grid"])
