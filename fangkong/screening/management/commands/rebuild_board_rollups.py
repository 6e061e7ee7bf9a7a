"""`fangkong rebuild_board_rollups` — recompute the roll-up counts of the board, 001's sentences and
管控总览 from the live rows."""

from django.core.management.base import BaseCommand

from fangkong.control.rollups import rebuild_control_rollups
from fangkong.screening.rollups import rebuild_board_rollups


class Command(BaseCommand):
    help = "按线索、核查任务和管控措施重新计算日清日结看板、001通报和管控总览的计数"

    def handle(self, *args, **options) -> None:
        rows = {**rebuild_board_rollups(), **rebuild_control_rollups()}
        self.stdout.write(", ".join(f"{name} {n}" for name, n in rows.items()))
