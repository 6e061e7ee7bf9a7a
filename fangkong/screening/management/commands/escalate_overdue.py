"""`fangkong escalate_overdue` — run by cron or the worker loop every minute."""

from django.core.management.base import BaseCommand

from fangkong.screening.jobs import escalate_overdue


class Command(BaseCommand):
    help = "升级超时未落地的核查任务(先乡镇,再指挥部),每条只升级一次"

    def handle(self, *args, **options) -> None:
        n = escalate_overdue()
        self.stdout.write(f"升级 {n} 条 / escalated {n}")
