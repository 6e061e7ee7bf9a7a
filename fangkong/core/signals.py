"""Cross-app events, and the receivers that write logins, logouts and failed logins to the audit log.

An area that others listen to sends one of the events defined here; the listening area connects
to it in its AppConfig.ready. Neither imports the other, and core imports neither (core holds no
domain models: the kwargs below are documented, not typed).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import pre_save
from django.dispatch import Signal, receiver
from django.utils import timezone

from . import audit
from .choices import AuditAction, AuditSource
from .middleware import IdleTimeoutMiddleware, client_ip
from .models import UserRole

# Screening → control. Sent on commit when a reviewer approves a verification with outcome
# "controlled". kwargs: person (screening.Person), measure_kind (core.choices.MeasureKind),
# verification, actor.
person_controlled = Signal()

# Testing → control. Sent on commit for every individual result attributed to a person (a single
# tube, or a negative pool for each of its members). kwargs: resident (registry.Resident or None),
# id_number (str), sampled_at (datetime), result ("negative" / "positive" / "invalid"),
# kind ("pcr_test" / "antigen_test"), sample (the testing object).
result_recorded = Signal()

# Testing → tracing. Sent on commit for each person of an individual positive tube, known to
# screening or not (a new case is usually nobody's lead yet). kwargs: id_number (str), name (str),
# phone (str), sampled_at (datetime or None), division (core.Division where the sample was taken),
# source (str: the tube and where it was taken).
positive_found = Signal()

# Tracing → control. Sent inside the action that puts a protocol version (防控方案版本) in force,
# so control's policy rules apply it; a receiver's exception undoes the activation.
# kwargs: code (str), title (str), categories (list of {"contact_type": control's ContactType
# value, "name": str, "plan": [(MeasureKind value, days)], "test_days": [int], "test_kind": str}),
# actor (the user who activated it).
protocol_published = Signal()

# Control → tracing (a question). Sent when control starts the measure of a person a reviewer
# verified as controlled; kwargs: person (screening.Person). A receiver answers None or
# {"exposed_on": date, "contact_type": str, "protocol": str}: a contact's plan counts from the
# day after their last exposure, not from the day they were found.
exposure_asked = Signal()

# Sectors → testing. Sent on commit when a business's resumption (复工复产) is approved: its staff
# join a key group tested on its own rhythm. kwargs: group_name (str), employer (str), division
# (core.Division, where the group is kept), members (list of dicts: name, id_number, phone).
staff_listed = Signal()

# Control → others. Sent on commit when a risk-area list is applied and places became (or changed
# level as) risk areas. kwargs: areas (a list of dicts: id, province, city, county, township,
# community, level, effective_from), actor.
risk_areas_listed = Signal()

# Control → grid. Sent on commit when a measure starts (a person put under control, or the next
# step of their plan), however it was started. kwargs: measure_id (int), kind (MeasureKind value),
# previous_id (int or None: the measure it follows). The grid line forms the 四对一 team of a
# home measure; bulk re-evaluations do not send it (the grid line's tick catches up).
measure_started = Signal()

# Screening → others. Sent on commit for every chunk of leads written, whatever the channel (a
# form, the API, an import, a checkpoint, a scan, a push). kwargs: channel (str), people (a list
# of (id_number, phone, name, division_id) tuples, one per lead; id_number or phone may be empty).
leads_received = Signal()


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    with audit.audit_context(actor=user, source=AuditSource.WEB, ip=client_ip(request) if request else None):
        audit.record(AuditAction.LOGIN, user)
    if request is not None and hasattr(request, "session"):
        # The idle clock starts at the login, not at the first request after it.
        request.session[IdleTimeoutMiddleware.key] = int(timezone.now().timestamp())


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        with audit.audit_context(actor=user, ip=client_ip(request) if request else None):
            audit.record(AuditAction.LOGOUT, user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    if request is not None:
        from .accounts import count_failed_login

        count_failed_login(client_ip(request))
    with audit.audit_context(ip=client_ip(request) if request else None):
        audit.record(
            AuditAction.LOGIN_FAILED, None, object_type_="core.user",
            object_repr=str(credentials.get("username", ""))[:150],
        )


@receiver(pre_save, sender=UserRole)
def _role_separation(sender: Any, instance: UserRole, **kwargs: Any) -> None:
    """Last line of defence for 三员分立: even a direct `UserRole.save()` may not combine them."""
    from .accounts import check_role_separation

    held = UserRole.objects.filter(user_id=instance.user_id).exclude(pk=instance.pk).values_list("role", flat=True)
    check_role_separation(held, instance.role)
