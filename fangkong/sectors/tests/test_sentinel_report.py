"""001's sentinel sentence from live data, true when not all were handled, and the report by
township for a date range whose every number opens the list it counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.testkit import client_for
from fangkong.metrics.sentinels import sentence_text, sentinel_figures, sentinel_sentence, sentinel_table
from fangkong.screening.choices import VerificationStatus
from fangkong.screening.models import Verification
from fangkong.sectors.choices import SignalMethod
from fangkong.sectors.models import Signal
from fangkong.sectors.sentinel.actions import do_record_sentinel

from .factories import make_venue, sector

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = TODAY - dt.timedelta(days=3)
NEXT = DAY + dt.timedelta(days=1)
MD = f"{DAY.month}月{DAY.day}日"


def _records(users):
    grid = users["grid"].division
    pharmacy, clinic = make_venue(grid, "pharmacy"), make_venue(grid, "medical")
    make_venue(users["grid_other"].division, "pharmacy")
    a = do_record_sentinel(pharmacy, acting_user=SYSTEM, values={"drug": "布洛芬", "name": "甲", "phone": "13500000001",
                                                                "occurred_at": f"{DAY} 09:00"})
    do_record_sentinel(clinic, acting_user=SYSTEM, values={"kind": "发热门诊", "name": "甲", "phone": "13500000001",
                                                          "occurred_at": f"{DAY} 15:00", "temperature": "38.2"})
    b = do_record_sentinel(pharmacy, acting_user=SYSTEM, values={"drug": "止咳糖浆", "name": "乙", "phone": "13500000002",
                                                                "occurred_at": f"{NEXT} 09:00"})
    return pharmacy, a, b


def test_the_sentence_says_all_were_handled_only_when_they_were(users):
    _pharmacy, a, b = _records(users)
    commander = users["commander"]
    f = sentinel_figures(commander, DAY, TODAY)
    assert (f.sentinels, f.reported, f.handled) == (3, 2, 0)  # 甲 twice is one person
    text = sentence_text(sentinel_sentence(f))
    assert text.startswith("督促全县3个医疗机构、发热门诊、预检分诊、零售药店落实主体责任")
    assert f"{MD}以来累计报告2名发热病人，其中已处置完毕0名，正在核查处置2名。" in text
    Verification.objects.filter(pk=a.verification_id).update(status=VerificationStatus.CLOSED)
    f = sentinel_figures(commander, DAY, TODAY)
    assert "其中已处置完毕1名，正在核查处置1名" in sentence_text(sentinel_sentence(f))
    Verification.objects.filter(pk=b.verification_id).update(status=VerificationStatus.CLOSED)
    f = sentinel_figures(commander, DAY, TODAY)
    assert sentence_text(sentinel_sentence(f)).endswith(f"{MD}以来累计报告2名发热病人，均按要求处置完毕。")
    none = sentinel_figures(commander, TODAY, TODAY)
    assert sentence_text(sentinel_sentence(none)).endswith(f"{TODAY.month}月{TODAY.day}日以来未报告发热病人。")


def test_the_report_page_prints_the_sentence_with_links_to_its_lists(users):
    _records(users)
    client = client_for(users["commander"])
    page = client.get("/sectors/report/", {"date": str(TODAY), "since": str(DAY)}).content.decode()
    sentence = re.search(r'<p id="sentinel-sentence">(.*?)</p>', page, re.S).group(1)
    assert "累计报告" in sentence
    for url, n in re.findall(r'<a href="([^"]+)">(\d+)</a>', sentence):
        url = url.replace("&amp;", "&")
        listed = client.get(url).context["paginator"].count
        if "venues" in url:
            assert listed == int(n)
        else:  # the persons' records: at least one per person
            assert listed >= int(n)
    # A grid worker sees no sentinel sentence (no view of the records).
    assert 'id="sentinel-sentence"' not in client_for(users["grid"]).get("/sectors/report/").content.decode()


def test_the_report_by_township_links_every_number_to_its_list(users):
    pharmacy, _a, _b = _records(users)
    now = timezone.now()
    Signal.objects.create(venue=pharmacy, division=pharmacy.grid, day=DAY, count=40, threshold=30,
                          method=SignalMethod.THRESHOLD, raised_at=now, due_at=now)
    rows = sentinel_table(users["commander"], DAY, TODAY)
    total = {label: (n, url) for label, n, url in rows[0].cells}
    assert rows[0].division is None
    assert (total["零售药店"][0], total["医疗机构"][0], total["四类药品购买"][0], total["发热门诊"][0],
            total["报告人数"][0], total["预警信号"][0], total["待响应"][0]) == (2, 1, 2, 1, 2, 1, 1)
    township = next(r for r in rows[1:] if r.division.pk == users["township"].division.pk)
    assert dict((label, n) for label, n, _u in township.cells)["四类药品购买"] == 2
    client = client_for(users["commander"])
    page = client.get("/sectors/sentinels/report/", {"date_from": str(DAY), "date_to": str(TODAY)})
    assert page.status_code == 200
    for label in ("零售药店", "四类药品购买", "发热门诊", "预警信号", "待响应"):
        n, url = total[label]
        assert client.get(url).context["paginator"].count == n, label
    # By sector: the clinics' table holds the fever-clinic visit and none of the pharmacy's sales.
    clinics = sentinel_table(users["commander"], DAY, TODAY, sector("medical"))
    by_label = {label: (n, url) for label, n, url in clinics[0].cells}
    assert (by_label["零售药店"][0], by_label["医疗机构"][0], by_label["四类药品购买"][0], by_label["发热门诊"][0],
            by_label["预警信号"][0]) == (0, 1, 0, 1, 0)
    assert client.get(by_label["发热门诊"][1]).context["paginator"].count == 1
    assert client.get("/sectors/sentinels/report/", {"sector": sector("medical").pk}).status_code == 200
    # A township cadre sees only their township's row and the total of their scope.
    cadre_rows = sentinel_table(users["township"], DAY, TODAY)
    assert [r.division for r in cadre_rows[1:]] == [users["township"].division]
    assert sentinel_table(users["grid"], DAY, DAY) == []
