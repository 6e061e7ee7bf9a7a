"""The command area's actions: the structure (members, coverage, township units), dispatch
(交办, 签收, 反馈, 销号, 退回) and daily reports (日报, 零报告)."""

from .dispatch import (
    do_acknowledge,
    do_dispatch,
    do_report_done,
    do_report_progress,
    do_return,
    do_sign_off,
    may_dispatch_as,
)
from .reports import deadline, do_file_report
from .structure import do_add_member, do_add_township_units, do_remove_member, do_set_coverage

__all__ = ["deadline", "do_acknowledge", "do_add_member", "do_add_township_units", "do_dispatch", "do_file_report",
           "do_remove_member", "do_report_done", "do_report_progress", "do_return", "do_set_coverage", "do_sign_off",
           "may_dispatch_as"]
