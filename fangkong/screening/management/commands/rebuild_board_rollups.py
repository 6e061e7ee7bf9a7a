"""`fangkong rebuild_board_rollups` — recompute the board's roll-up counts from the live rows."""

from django.core.management.base import BaseCommand

from fangkong.screening.rollups import rebuild_board_rollups


class Command(BaseCommand):
    help = "按线索和核查任务重新计算日清日结看板的计数(一个事务内完成)"

    def handle(self, *args, **options) -> None:
        rows = rebuild_board_rollups()
        self.stdout.write(", ".join(f"{name} {n}" for name, n in rows.items()))
