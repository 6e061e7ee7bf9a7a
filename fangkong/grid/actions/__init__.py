"""Every state change of the grid line, one audited `@action` each: `do_x(obj, …, *, acting_user)`."""

from .sweeps import create_visits, do_close_sweep, do_new_questionnaire_version, do_start_sweep
from .visits import do_add_found_person, do_record_member, do_record_not_home, do_record_refused

__all__ = [
    "create_visits", "do_add_found_person", "do_close_sweep", "do_new_questionnaire_version", "do_record_member",
    "do_record_not_home", "do_record_refused", "do_start_sweep",
]
