"""manage.py control_jobs — run the control area's scheduled checks (call it from cron hourly)."""

from django.core.management.base import BaseCommand

from fangkong.control.jobs import alert_missed_tests


class Command(BaseCommand):
    help = "漏检提醒：为逾期未检测的管控人员发送提醒"

    def handle(self, *args, **options) -> None:
        n = alert_missed_tests()
        self.stdout.write(f"missed tests alerted: {n}")
