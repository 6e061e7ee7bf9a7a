"""manage.py testing_jobs — recompute coverage of active rounds, this week's household numbers,
and remind overdue re-sampling tasks. Run by cron or the worker loop every few minutes."""

import json

from django.core.management.base import BaseCommand

from fangkong.testing.jobs import testing_tick


class Command(BaseCommand):
    help = "核酸检测后台任务:覆盖率汇总、每周户检测落实、上门单采超时提醒"

    def handle(self, *args, **options) -> None:
        self.stdout.write(json.dumps(testing_tick.call(), ensure_ascii=False))
