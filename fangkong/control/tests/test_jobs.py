"""control_jobs: missed-test alerts, claimed once."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from fangkong.core.models import Notification

from ..choices import ContactType
from ..jobs import alert_missed_tests, overdue_tests
from . import factories as F

D = dt.date


def test_it_alerts_each_missed_test_once(db, users):
    F.standard_policy()
    m = F.start(F.person(), D(2022, 8, 1), contact_type=ContactType.CLOSE_CONTACT)
    now = dt.datetime(2022, 8, 4, 9, tzinfo=timezone.get_current_timezone())
    assert [t.day for t in overdue_tests(today=D(2022, 8, 4))] == [1, 2, 3]
    assert alert_missed_tests(now) == 3
    assert alert_missed_tests(now) == 0  # already claimed
    assert Notification.objects.filter(user=m.responsible, title__startswith="漏检提醒：3人次").exists()
    assert Notification.objects.filter(user=users["commander"], title__startswith="漏检提醒").count() == 1


def test_it_runs_from_the_command(db, capsys):
    call_command("control_jobs")
    assert "missed tests alerted" in capsys.readouterr().out


def test_every_audit_verb_of_the_area_has_a_chinese_name():
    import re
    from pathlib import Path

    from fangkong.core.verbs import verb_label

    root = Path(__file__).resolve().parent.parent
    source = "".join(p.read_text(encoding="utf-8") for p in root.rglob("*.py") if "tests" not in p.parts)
    verbs = set(re.findall(r'verb="([a-z_]+)"', source)) | set(re.findall(r'verb = [^"\n]*"([a-z_]+)"', source))
    assert {"start_measure_on_verify", "release_measure", "reapply_policy", "transfer_arrive"} <= verbs
    assert [v for v in sorted(verbs) if verb_label(v) == v] == []


def test_it_resolves_the_missed_test_alerts_once_the_tests_are_recorded(db, users):
    """#18 item 12: a notification that stands for work is resolved when the work is done."""
    from fangkong.control.actions import do_record_test_result

    F.standard_policy()
    m = F.start(F.person(), D(2022, 8, 1), contact_type=ContactType.CLOSE_CONTACT)
    now = dt.datetime(2022, 8, 4, 9, tzinfo=timezone.get_current_timezone())
    assert alert_missed_tests(now) == 3
    waiting = Notification.objects.filter(title__startswith="漏检提醒", read_at__isnull=True)
    assert waiting.filter(user=m.responsible).exists() and waiting.filter(user=users["commander"]).exists()
    first, *rest = overdue_tests(today=D(2022, 8, 4)).order_by("day")
    do_record_test_result(first, result="negative", acting_user=m.responsible)
    alert_missed_tests(now + dt.timedelta(minutes=15))
    assert waiting.filter(user=m.responsible).exists()  # two tests are still missing
    for test in rest:
        do_record_test_result(test, result="negative", acting_user=m.responsible)
    alert_missed_tests(now + dt.timedelta(minutes=30))
    assert not waiting.exists()
