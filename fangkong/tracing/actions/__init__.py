"""Actions of the cases-and-tracing area; each `do_x(…, *, acting_user)` one audited transaction."""

from .cases import do_classify_case, do_open_case, do_record_positive, do_update_case
from .chains import do_freeze_chain, do_link_cases, do_set_cluster_cases, do_unlink_cases, do_update_link
from .contacts import do_add_contact, do_mark_contact_controlled, do_upgrade_contact
from .investigations import (
    do_add_segment,
    do_close_investigation,
    do_complete_milestone,
    do_delete_segment,
    do_generate_report,
    do_publish_itinerary,
    do_save_investigation,
)
from .protocols import do_activate_protocol, do_save_category

__all__ = [
    "do_activate_protocol", "do_add_contact", "do_add_segment", "do_classify_case", "do_close_investigation",
    "do_complete_milestone", "do_freeze_chain", "do_link_cases", "do_set_cluster_cases", "do_unlink_cases",
    "do_update_link", "do_delete_segment", "do_generate_report", "do_mark_contact_controlled",
    "do_open_case", "do_publish_itinerary", "do_record_positive", "do_save_category", "do_save_investigation",
    "do_update_case", "do_upgrade_contact",
]
