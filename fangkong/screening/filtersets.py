"""API list filters of risk screening whose lookups go through an indexed column (django-filter)."""

from __future__ import annotations

import django_filters as filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import Division
from fangkong.core.scoping import in_subtree

from .models import Lead, Verification


class LeadFilterSet(filters.FilterSet):
    verification = filters.NumberFilter(method="filter_verification", label=_("核查任务"))

    class Meta:
        model = Lead
        fields = ["channel", "source", "kind", "batch", "person", "verification"]

    def filter_verification(self, qs: QuerySet, name: str, value: int) -> QuerySet:
        # Through the task's person: `Lead.verification` carries no index (see `Verification.leads`).
        person = Verification.objects.filter(pk=value).values("person_id")
        return qs.filter(person_id__in=person, verification_id=value)


class VerificationFilterSet(filters.FilterSet):
    township = filters.ModelChoiceFilter(queryset=Division.objects.all(), method="filter_township",
                                         label=_("所属乡镇"))

    class Meta:
        model = Verification
        fields = ["channel", "module", "status", "division", "township", "assignee", "outcome"]

    def filter_township(self, qs: QuerySet, name: str, value: Division) -> QuerySet:
        # The subtree of `division`, which is indexed (`township` is not), as the pages filter it.
        return in_subtree(qs, "division", value)
