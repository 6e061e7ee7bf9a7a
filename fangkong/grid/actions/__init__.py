"""Every state change of the grid line, one audited `@action` each: `do_x(obj, …, *, acting_user)`."""

from .away import (
    do_alert_watch_seen,
    do_close_away_task,
    do_log_contact,
    do_open_call_tasks,
    do_refresh_away_risk,
)
from .care import do_assign_care_member, do_form_care_team, do_record_care_check
from .notices import do_resend_notice, do_send_notice
from .offline import OfflineAnswer, do_apply_offline_answer
from .returns import (
    ReturnInput,
    do_cancel_return_report,
    do_confirm_arrival,
    do_file_return_report,
    do_open_arrival_tasks,
)
from .sweeps import create_visits, do_close_sweep, do_new_questionnaire_version, do_start_sweep
from .tipoffs import (
    TipOffInput,
    do_close_tip_offs_inspected,
    do_judge_tip_off,
    do_submit_tip_off,
    do_tip_off_to_inspection,
    do_tip_off_to_lead,
)
from .visits import do_add_found_person, do_record_member, do_record_not_home, do_record_refused

__all__ = [
    "OfflineAnswer", "ReturnInput", "create_visits", "do_add_found_person", "do_alert_watch_seen", "do_apply_offline_answer",
    "do_assign_care_member", "do_cancel_return_report", "do_form_care_team", "do_record_care_check", "do_resend_notice",
    "do_send_notice",
    "do_close_away_task", "do_close_sweep", "do_confirm_arrival", "do_file_return_report", "do_log_contact",
    "do_new_questionnaire_version", "do_open_arrival_tasks", "do_open_call_tasks", "do_refresh_away_risk", "do_record_member",
    "do_record_not_home", "do_record_refused", "do_start_sweep",
    "TipOffInput", "do_close_tip_offs_inspected", "do_judge_tip_off", "do_submit_tip_off", "do_tip_off_to_inspection",
    "do_tip_off_to_lead",
]
