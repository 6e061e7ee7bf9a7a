"""Audit-log search for auditors and the audit administrator: read-only, filterable, exportable."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from fangkong.core import accounts
from fangkong.core.exports import export_rows
from fangkong.core.filtersets import AuditLogFilterSet
from fangkong.core.models import AuditLog
from fangkong.core.verbs import verb_label

AUDIT_READERS = accounts.AUDIT_READERS
EXPORT_LIMIT = 100_000


class AuditReaderMixin(LoginRequiredMixin, UserPassesTestMixin):
    raise_exception = True
    admins_only = False

    def test_func(self) -> bool:
        return self.request.user.has_role(*AUDIT_READERS)

    def filtered(self) -> AuditLogFilterSet:
        """The filtered rows; `?admins=1` narrows to what the system / security administrators did."""
        admins = self.admins_only or bool(self.request.GET.get("admins"))
        base = accounts.audit_log_for(self.request.user, admins_only=admins)
        return AuditLogFilterSet(self.request.GET or None, queryset=base.select_related("actor"))


class AuditLogListView(AuditReaderMixin, ListView):
    template_name = "core/audit/list.html"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = self.filtered()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        ctx.update(filter=self.filterset, query=params.urlencode(), admins=self.admins_only or bool(self.request.GET.get("admins")))
        return ctx


class AdminActionsView(AuditLogListView):
    """The audit administrator's page: what the system and security administrators did."""

    admins_only = True


class AuditLogExportView(AuditReaderMixin, View):
    """The filtered rows as xlsx (at most EXPORT_LIMIT); the export itself is written to the log."""

    columns = ["at", "actor_label", "action", "verb", "object_type", "object_id", "object_repr", "source", "ip",
               "changes"]

    def get(self, request: HttpRequest) -> HttpResponse:
        qs = self.filtered().qs

        def rows(full: bool):
            for r in qs[:EXPORT_LIMIT].iterator(chunk_size=2000):
                yield [timezone.localtime(r.at).strftime("%Y-%m-%d %H:%M:%S"), r.actor_label, r.get_action_display(),
                       verb_label(r.verb), r.object_type, r.object_id, r.object_repr, r.get_source_display(),
                       r.ip or "", _json(r.changes)]

        header = [str(AuditLog._meta.get_field(c).verbose_name) for c in self.columns]
        return export_rows(request, name=_("审计日志"), object_type="core.auditlog", header=header, rows=rows,
                           has_pii=False, fmt="xlsx")


def _json(value) -> str:
    import json

    return json.dumps(value, ensure_ascii=False) if value else ""
