"""Exemptions take people out of the expected population (bedridden: home sampling instead)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from fangkong.core import audit
from fangkong.core.actions import SYSTEM
from fangkong.core.testkit import assert_audited, client_for
from fangkong.registry.models import Resident
from fangkong.testing import actions
from fangkong.testing.jobs import refresh_coverage
from fangkong.testing.models import CoverageGap, CoverageRollup

from .conftest import present


def test_it_requires_where_for_an_away_exemption(users, village):
    person = present(village, 1)[0]
    with audit.audit_context(users["village"]), pytest.raises(ValidationError) as exc:
        actions.do_add_exemption(person, "away", acting_user=users["village"])
    assert "外出去向" in str(exc.value)


def test_it_counts_exemptions_infants_and_home_sampling(users, rnd, village):
    grid = users["grid"].division
    adults = list(Resident.objects.filter(grid=grid, status="present", birth_date__lt=dt.date(2000, 1, 1))
                  .order_by("id")[:3])
    cutoff = dt.date(rnd.starts_on.year - rnd.infant_age, rnd.starts_on.month, min(rnd.starts_on.day, 28))
    infants = Resident.objects.filter(grid=grid, status="present", birth_date__gt=cutoff).count()
    away_in_registry = Resident.objects.filter(grid=grid, status="away").count()
    refresh_coverage(rnd, acting_user=SYSTEM)
    before = CoverageRollup.objects.get(round=rnd, division=grid)
    assert before.exempt == infants + away_in_registry
    with audit.audit_context(users["grid"]):
        ex = actions.do_add_exemption(adults[0], "away", away_to="河北省张家口市", acting_user=users["grid"])
        actions.do_add_exemption(adults[1], "bedridden", acting_user=users["grid"])
        actions.do_add_exemption(adults[2], "other", note="住院", until=rnd.starts_on - dt.timedelta(days=1),
                                 acting_user=users["grid"])
    assert_audited("create", ex, actor=users["grid"], verb="add_exemption")
    refresh_coverage(rnd, acting_user=SYSTEM)
    after = CoverageRollup.objects.get(round=rnd, division=grid)
    assert after.exempt == before.exempt + 1  # the expired exemption does not count
    assert after.expected == before.expected - 1 and after.home_sampling == 1
    assert CoverageGap.objects.get(round=rnd, resident=adults[1]).home_sampling
    assert not CoverageGap.objects.filter(round=rnd, resident=adults[0]).exists()


def test_it_records_why_someone_was_missed(users, rnd):
    refresh_coverage(rnd, acting_user=SYSTEM)
    gap = CoverageGap.objects.filter(round=rnd, division=users["grid"].division).first()
    client = client_for(users["grid"])
    page = client.get(f"/testing/rounds/{rnd.pk}/gaps/")
    assert page.status_code == 200 and gap in page.context["object_list"]
    assert page.context["full"] and gap.resident.phone in page.content.decode()  # the grid worker calls them
    r = client.post(f"/testing/rounds/{rnd.pk}/gaps/", {"gap": gap.pk, "reason": "refused"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "拒检" in r.content.decode()
    page = client.get(f"/testing/rounds/{rnd.pk}/gaps/")
    assert next(g for g in page.context["object_list"] if g.pk == gap.pk).miss_reason == "refused"
    assert client_for(users["grid_other"]).post(f"/testing/rounds/{rnd.pk}/gaps/",
                                                 {"gap": gap.pk, "reason": "sick"}).status_code == 404


def test_it_registers_an_exemption_from_the_form(users):
    from fangkong.testing.models import Exemption

    person = Resident.objects.filter(grid=users["grid"].division, status="present").order_by("id").first()
    client = client_for(users["grid"])
    r = client.post("/testing/exemptions/new/", {"id_number": person.id_number, "reason": "away"})
    assert r.status_code == 200 and "外出去向" in r.content.decode()
    r = client.post("/testing/exemptions/new/", {"id_number": person.id_number, "reason": "away", "away_to": "天津市"})
    assert r.status_code == 302 and Exemption.objects.filter(resident=person, away_to="天津市").exists()
    other = client_for(users["grid_other"]).post("/testing/exemptions/new/",
                                                 {"id_number": person.id_number, "reason": "bedridden"})
    assert "管辖范围内没有" in other.content.decode()
