"""List filters for testing, shared by the pages and the API (django-filter).

A division filter means the division's whole subtree (`core.scoping.in_subtree`).
"""

from __future__ import annotations

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from fangkong.core.filtersets import SubtreeFilter

from .choices import TaskStatus
from .models import KeyGroup, ResamplingTask, SamplingSite


class ResamplingTaskFilterSet(filters.FilterSet):
    """上门单采: by status, division (subtree), round and assignee."""

    status = filters.ChoiceFilter(choices=TaskStatus.choices, empty_label=None, label=_("状态"))
    division = SubtreeFilter()

    class Meta:
        model = ResamplingTask
        fields = ["status", "division", "round", "assignee"]


class SamplingSiteFilterSet(filters.FilterSet):
    """采样点: by division (subtree) and whether in use."""

    division = SubtreeFilter()

    class Meta:
        model = SamplingSite
        fields = ["division", "active"]


class KeyGroupFilterSet(filters.FilterSet):
    """重点人群: by division (subtree) and test kind."""

    division = SubtreeFilter()

    class Meta:
        model = KeyGroup
        fields = ["division", "test_kind"]
