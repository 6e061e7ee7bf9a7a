"""List filters of risk screening, one per list for its page and its API (django-filter); lookups go
through an indexed column where there is one."""

from __future__ import annotations

import django_filters as filters
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.identity import RECEIPT_ALPHABET
from fangkong.core.models import Division, User
from fangkong.core.scoping import in_subtree
from fangkong.registry.search import people_condition

from .choices import BoardMetric, VerificationStatus
from .models import Lead, Verification
from .reports import day_bounds, task_conditions

TASK_METRICS = [(m.value, m.label) for m in BoardMetric if m != BoardMetric.RECEIVED]
# Task lists: overdue first, then the nearest deadline; tasks without one (待审核, 已办结) last, on
# SQLite (where NULL sorts first) as on PostgreSQL.
BY_DEADLINE = (F("next_due_at").asc(nulls_last=True), "-id")


class LeadFilterSet(filters.FilterSet):
    verification = filters.NumberFilter(method="filter_verification", label=_("核查任务"))

    class Meta:
        model = Lead
        fields = ["channel", "source", "kind", "batch", "person", "verification"]

    def filter_verification(self, qs: QuerySet, name: str, value: int) -> QuerySet:
        # Through the task's person: `Lead.verification` carries no index (see `Verification.leads`).
        person = Verification.objects.filter(pk=value).values("person_id")
        return qs.filter(person_id__in=person, verification_id=value)


def scope_divisions(request) -> QuerySet[Division]:
    """The divisions a filter may name: the user's own subtree (none without a division)."""
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "division_id", None):
        return Division.objects.none()
    return Division.objects.subtree(user.division)


def scope_users(request) -> QuerySet[User]:
    """The accounts a filter may name: those of the user's subtree."""
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "division_id", None):
        return User.objects.none()
    return in_subtree(User.objects.all(), "division", user.division)


def is_receipt_code(word: str) -> bool:
    return len(word) == 8 and all(c in RECEIPT_ALPHABET for c in word.upper())


class VerificationFilterSet(filters.FilterSet):
    """核查任务 filters of the list page and the API: a board number (`metric` in `start`–`end`;
    without a metric, `start`–`end` is when the task was opened), where (a township or any division's
    subtree, or the county's 待分派 queue), who, overdue, and a search box."""

    q = filters.CharFilter(method="filter_q", label=_("搜索"))
    metric = filters.ChoiceFilter(choices=TASK_METRICS, method="keep", label=_("看板指标"))
    start = filters.DateFilter(method="keep", label=_("开始日期"))
    end = filters.DateFilter(method="keep", label=_("结束日期"))
    township = filters.ModelChoiceFilter(queryset=scope_divisions, method="filter_subtree", label=_("所属乡镇"))
    division = filters.ModelChoiceFilter(queryset=scope_divisions, method="filter_subtree", label=_("区划(含下级)"))
    county_queue = filters.BooleanFilter(method="filter_county_queue", label=_("县级待分派"))
    assignee = filters.ModelChoiceFilter(queryset=scope_users, null_label=_("无责任人"), null_value="none",
                                         label=_("责任人"))
    overdue = filters.BooleanFilter(method="filter_overdue", label=_("已超时"))
    open = filters.BooleanFilter(method="filter_open", label=_("在办(未办结)"))

    class Meta:
        model = Verification
        fields = ["status", "channel", "module", "outcome"]

    def keep(self, qs: QuerySet, name: str, value) -> QuerySet:
        """`metric`, `start` and `end` act together, in `filter_queryset`."""
        return qs

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        qs = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        metric, start, end = data.get("metric"), data.get("start"), data.get("end")
        if metric:
            today = timezone.localdate()
            lo, hi = day_bounds(start or today, end or today)
            user = getattr(self.request, "user", None)
            return qs.filter(task_conditions(user, lo, hi, timezone.now())[BoardMetric(metric)])
        if start:
            qs = qs.filter(opened_at__gte=day_bounds(start, start)[0])
        if end:
            qs = qs.filter(opened_at__lt=day_bounds(end, end)[1])
        return qs

    def filter_subtree(self, qs: QuerySet, name: str, value: Division) -> QuerySet:
        # The subtree of `division`, which is indexed (`township` is not), as the pages filter it.
        return in_subtree(qs, "division", value)

    def filter_county_queue(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        """县级待分派: tasks still at the county (no township yet), the board's last row."""
        if value is None:
            return qs
        return qs.filter(township__isnull=value)

    def filter_overdue(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        late = ~Q(status=VerificationStatus.CLOSED) & Q(next_due_at__lt=timezone.now())
        return qs.filter(late) if value else qs.exclude(late)

    def filter_open(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        """在办: not yet closed (核查中 or 待审核), the command map's 在办核查任务."""
        if value is None:
            return qs
        is_open = ~Q(status=VerificationStatus.CLOSED)
        return qs.filter(is_open) if value else qs.exclude(is_open)

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        """Name, pinyin initials, phone or ID digits (last four, masked, whole) or a receipt code."""
        value = value.strip()
        if not value:
            return qs
        condition = people_condition(value, prefix="person__")
        if is_receipt_code(value):
            by_code = Q(person_id__in=Lead.objects.filter(receipt_code=value.upper()).values("person_id"))
            condition = by_code if condition is None else condition | by_code
        return qs.none() if condition is None else qs.filter(condition)
