"""Stored codes shown readable (#18.13): model names, choice labels, audit changes in local time."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from fangkong.core import audit, display
from fangkong.core.choices import AuditAction
from fangkong.core.models import AuditLog

from .crawl.kit import parse


def test_it_names_models_by_their_verbose_name():
    assert display.model_label("registry.resident") == "常住人口"
    assert display.model_label("nosuch.model") == "nosuch.model"
    assert display.model_label("") == ""


def test_it_labels_a_code_held_in_a_free_text_field():
    assert display.choice_label("geofence", "fangkong.screening.choices.BigDataSource") == "电子围栏"
    assert display.choice_label("县公安局", "fangkong.screening.choices.BigDataSource") == "县公安局"


def test_it_renders_a_diff_with_field_labels_choice_labels_and_local_times():
    changes = {"kind": [None, "home_monitoring"], "ends_on": [None, "2026-12-13"],
               "released_at": ["2026-12-06T00:11:00+00:00", None], "steps": [None, [["central_quarantine", 7]]]}
    rows = {c.label: (c.before, c.after) for c in display.audit_changes("control.measure", changes)}
    assert rows["管控措施"] == ("—", "居家健康监测")
    assert rows["解除日期"] == ("—", "2026-12-13")
    assert rows["解除时间"] == ("2026-12-06 08:11", "—")  # UTC 00:11 is 08:11 in Asia/Shanghai
    assert rows["steps"] == ("—", "集中隔离 7")


def test_it_renders_a_plain_record_as_key_and_value():
    rows = display.audit_changes("core.division", {"population": 3000, "seed": 7})
    assert [(c.label, c.before, c.after) for c in rows] == [("population", None, "3000"), ("seed", None, "7")]


def test_it_shows_the_audit_log_without_codes_or_dicts(users, county):
    audit.record(AuditAction.UPDATE, county, verb="set_division",
                 changes={"name": ["旧名", "新名"], "at": [None, "2026-12-06T00:11:00+00:00"]},
                 at=dt.datetime(2026, 12, 6, 0, 11, tzinfo=dt.UTC))
    row = AuditLog.objects.order_by("-id").first()
    client = Client()
    client.force_login(users["auditor"])
    html = client.get(reverse("core:audit_log"), {"object_type": row.object_type}).content.decode()
    text = "\n".join(t for t, *_ in parse(html).texts)  # what a reader sees (URLs keep the code)
    assert "core.division" not in text and "{'" not in text
    assert "行政区划 #" in text
    assert "旧名 → 新名" in text and "2026-12-06 08:11" in text
    assert "设置区划" in text  # the verb's label


def test_objects_name_their_times_in_the_local_time_zone():
    """A batch's name is kept as the audit log's object column: its time must read as the pages'
    (Asia/Shanghai), not as stored (UTC), or 19:16 on the page is 11:16 in the name."""
    from fangkong.core.models import Batch
    from fangkong.sectors.models import VehicleCheck

    stamp = display.stamp
    at = dt.datetime(2026, 12, 7, 16, 30, tzinfo=dt.UTC)
    assert stamp(at) == "2026-12-08 00:30" and stamp(at, "%m-%d %H:%M") == "12-08 00:30"
    assert stamp(None) == "" and stamp(dt.date(2026, 12, 7), "%Y-%m-%d") == "2026-12-07"
    assert str(Batch(file_name="卡口.csv", created_at=at)) == "卡口.csv (2026-12-08 00:30)"
    assert str(Batch(kind="leads")) == "leads"
    assert str(VehicleCheck(plate="浙A11111", registered_at=at)) == "浙A11111 12-08 00:30"
