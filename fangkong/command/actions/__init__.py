"""The command area's actions: the structure (members, coverage, township units), dispatch
(交办, 签收, 反馈, 销号, 退回), daily reports (日报, 零报告), supervision (督导, 整改, 复查) and duty
(调班, 值班记录, 交班)."""

from .dispatch import (
    do_acknowledge,
    do_dispatch,
    do_report_done,
    do_report_progress,
    do_return,
    do_sign_off,
    may_dispatch_as,
)
from .duty import do_decide_swap, do_hand_over, do_log_duty, do_request_swap, do_swap_duty
from .reports import deadline, do_file_report
from .structure import do_add_member, do_add_township_units, do_remove_member, do_set_coverage
from .supervision import do_dispatch_rectification, do_recheck, do_record_finding, do_record_visit

__all__ = ["deadline", "do_acknowledge", "do_add_member", "do_add_township_units", "do_decide_swap", "do_dispatch",
           "do_dispatch_rectification", "do_file_report", "do_hand_over", "do_log_duty", "do_recheck",
           "do_record_finding", "do_record_visit", "do_remove_member", "do_report_done", "do_report_progress",
           "do_request_swap", "do_return", "do_set_coverage", "do_sign_off", "do_swap_duty", "may_dispatch_as"]
