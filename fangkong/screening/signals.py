"""Signals other areas listen to (control connects to `person_controlled`)."""

from django.dispatch import Signal

# Sent on commit when a reviewer approves a verification with outcome "controlled".
# kwargs: person (screening.Person), measure_kind (core.choices.MeasureKind), verification, actor
person_controlled = Signal()
