"""Every state change of the control area: one audited `@action` per change, split by concern.

Views, the API, signal receivers, imports and jobs all call these with the acting user
(`acting_user=request.user`, or `core.actions.SYSTEM` for the platform). Each runs in a
transaction, checks the acting user's scope with `core.actions.require`, and writes the audit
row with old and new values. `from fangkong.control.actions import do_x` works for every action.
"""

from .common import (
    FALLBACK_DAYS,
    HOME_KINDS,
    alert_positive,
    measure_url,
    missing_for_release,
    room_occupants,
)
from .measures import (
    do_check_in,
    do_door_check,
    do_early_release,
    do_extend_measure,
    do_find_or_create_person,
    do_record_exposure,
    do_record_test_result,
    do_release_measure,
    do_start_measure,
)
from .policies import do_create_draft, do_delete_rule, do_publish_policy, do_save_rule, reapply_policy
from .sites import (
    do_add_rooms,
    do_advance_transfer,
    do_assign_room,
    do_create_quarantine_site,
    do_set_site_staff,
    do_transfer,
    staff_candidates,
)

__all__ = [
    "FALLBACK_DAYS", "HOME_KINDS", "alert_positive", "do_add_rooms", "do_advance_transfer", "do_assign_room",
    "do_check_in", "do_create_draft", "do_create_quarantine_site", "do_delete_rule", "do_door_check",
    "do_early_release", "do_extend_measure", "do_find_or_create_person", "do_publish_policy",
    "do_record_exposure", "do_record_test_result", "do_release_measure", "do_save_rule", "do_set_site_staff",
    "do_start_measure", "do_transfer", "measure_url", "missing_for_release", "reapply_policy", "room_occupants",
    "staff_candidates",
]
