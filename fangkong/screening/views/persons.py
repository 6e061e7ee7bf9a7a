"""涉疫风险人员: one person's page (found by the person search), with their leads, tasks and measures."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from fangkong.registry.models import Resident

from ..models import Lead, Person, Verification


def _measures(user, person: Person) -> list:
    """The person's control measures the user may see (control is an optional app above screening)."""
    try:
        measure = Person._meta.get_field("measures").related_model
    except FieldDoesNotExist:
        return []
    return list(measure.objects.restrict(user).filter(person=person).order_by("-starts_on", "-id")[:50])


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Masked, like every list; out of scope or module: 404."""
    user = request.user
    person = get_object_or_404(Person.objects.restrict(user).select_related("division", "merged_into"), pk=pk)
    tasks = (Verification.objects.restrict(user).filter(person=person)
             .select_related("division", "assignee").order_by("-opened_at", "-id"))
    leads = Lead.objects.restrict(user).filter(person=person).order_by("-received_at", "-id")[:50]
    # The registry page is linked only when it opens for this user (a site account may see a
    # person at its site but not the registry).
    resident_in_scope = bool(person.resident_id) and Resident.objects.restrict(user).filter(
        pk=person.resident_id).exists()
    return render(request, "screening/person.html", {
        "person": person, "tasks": tasks, "leads": leads, "measures": _measures(user, person),
        "resident_in_scope": resident_in_scope,
    })
