"""Key groups (重点人群): compliance with their own testing rhythm."""

import datetime as dt

from fangkong.core.testkit import client_for
from fangkong.testing.choices import ComplianceStatus
from fangkong.testing.compliance import compliance, summary
from fangkong.testing.ingest import TubeRow, import_samplings
from fangkong.testing.models import KeyGroup, KeyGroupMember

from .conftest import NOW, present


def test_it_lists_who_tested_on_time_who_is_overdue_and_who_never_did(users, village, county):
    couriers = KeyGroup.objects.create(name="快递员", division=county, test_kind="pcr_test", every_days=2)
    shop = KeyGroup.objects.create(name="超市从业人员", division=county, test_kind="antigen_test", every_days=1)
    a, b, c = present(village, 3)
    for g in (couriers, shop):
        for p in (a, b, c):
            KeyGroupMember.objects.create(group=g, resident=p, id_number=p.id_number, name=p.name, division=p.grid)
    import_samplings([TubeRow("KG1", [a.id_number], NOW - dt.timedelta(days=1))], round_id=None,
                     division_id=village.pk, capacity=1)
    import_samplings([TubeRow("KG2", [b.id_number], NOW - dt.timedelta(days=3))], round_id=None,
                     division_id=village.pk, capacity=1)
    import_samplings([TubeRow("KG3", [a.id_number], NOW - dt.timedelta(hours=5))], round_id=None,
                     division_id=village.pk, capacity=1, test_kind="antigen_test")
    rows = {r.member.resident_id: r for r in compliance(couriers, NOW)}
    assert rows[a.pk].status == ComplianceStatus.COMPLIANT
    assert rows[a.pk].due_at == NOW - dt.timedelta(days=1) + dt.timedelta(days=2)
    assert rows[b.pk].status == ComplianceStatus.OVERDUE
    assert rows[c.pk].status == ComplianceStatus.NEVER
    # Daily antigen: only the antigen test counts; a PCR yesterday does not.
    shop_rows = {r.member.resident_id: r.status for r in compliance(shop, NOW)}
    assert shop_rows == {a.pk: "compliant", b.pk: "never", c.pk: "never"}
    assert summary(compliance(couriers, NOW)) == {"compliant": 1, "overdue": 1, "never": 1}
    page = client_for(users["commander"]).get(f"/testing/key-groups/{couriers.pk}/", {"status": "never"})
    assert page.status_code == 200 and [r.member.resident_id for r in page.context["rows"]] == [c.pk]
    body = page.content.decode()
    assert "从未检测</td>" in body and ">never<" not in body  # the status label, not its code


def test_it_names_tube_sizes_with_translatable_labels(users, site):
    from fangkong.testing.choices import POOL_SIZES, pool_label

    page = client_for(users["village"]).get(f"/testing/sites/{site.pk}/").content.decode()
    assert all(f'value="{k}"' in page and pool_label(k) in page for k in POOL_SIZES)
    assert [pool_label(k) for k in POOL_SIZES] == ["单采", "5合1", "10合1", "20合1"]
