import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from fangkong.core.schedule import SCHEDULE, enqueue_due


class Command(BaseCommand):
    help = "定时任务调度:按周期把任务放入后台队列 / enqueue periodic tasks for the worker"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--interval", type=float, default=15.0, help="seconds between checks")
        parser.add_argument("--once", action="store_true", help="enqueue what is due now and exit")

    def handle(self, *args, **opts) -> None:
        last_run: dict = {}
        for job in SCHEDULE:
            self.stdout.write(f"  {job.label}: every {job.every}  ({job.task})")
        while True:
            for path in enqueue_due(last_run, timezone.now()):
                self.stdout.write(f"{timezone.localtime():%H:%M:%S} enqueued {path}")
            if opts["once"]:
                return
            time.sleep(opts["interval"])
