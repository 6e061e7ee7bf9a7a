"""The audit writer: context in every entry point, bulk rows, values, append-only log."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.actions import do_update
from fangkong.core.choices import AuditAction, AuditSource, Role
from fangkong.core.middleware import AuditContextMiddleware
from fangkong.core.models import AuditItem, AuditLog, Batch
from fangkong.core.testkit import api_client_for, assert_audited, make_user
from fangkong.registry.models import Resident


def test_it_writes_as_the_system_from_the_command_line(users):
    resident = Resident.objects.first()
    row = audit.record(AuditAction.ACTION, resident, verb="test")
    assert (row.actor, row.actor_label, row.source) == (None, "system", AuditSource.CLI)
    assert row.division_path == resident.grid.path


def test_it_nests_contexts_and_restores_them(users):
    assert audit.current().actor is None
    with audit.audit_context(users["grid"], source=AuditSource.JOB, ip="10.0.0.1"):
        outer = audit.current()
        with audit.audit_context(source=AuditSource.IMPORT):
            inner = audit.current()
            assert (inner.actor, inner.ip, inner.request_id) == (users["grid"], "10.0.0.1", outer.request_id)
            assert inner.source == AuditSource.IMPORT
        assert audit.current() == outer
    assert audit.current().actor is None


def test_it_audits_a_job_as_the_user_who_started_it(users):
    """A task gets the user's id (task arguments are JSON) and acts in their name."""
    resident = Resident.objects.restrict(users["grid"], "change").filter(status="present").first()

    @audit.audit_context(users["grid"].pk, source=AuditSource.JOB)
    def job() -> None:
        do_update(resident, acting_user=users["grid"], status="away", away_to="外省")

    job()
    row = assert_audited(AuditAction.UPDATE, resident, actor=users["grid"], source=AuditSource.JOB)
    assert row.changes["status"] == ["present", "away"]
    assert row.changes["away_to"] == ["", "外省"]


def test_the_middleware_sets_actor_address_and_request_and_resets_them(users):
    seen = []

    def view(request):
        seen.append(audit.record(AuditAction.VIEW, users["grid"]))
        return HttpResponse("ok")

    middleware = AuditContextMiddleware(view)
    for path, source in (("/registry/search/", AuditSource.WEB), ("/api/residents/", AuditSource.API)):
        request = RequestFactory().get(path, REMOTE_ADDR="192.0.2.7")
        request.user = users["village"]
        middleware(request)
        row = seen[-1]
        assert (row.actor, row.source, row.ip) == (users["village"], source, "192.0.2.7")
        assert len(row.request_id) == 32
    assert seen[0].request_id != seen[1].request_id
    assert audit.current().actor is None


def test_a_token_request_acts_as_the_token_user_and_leaks_nothing(users):
    resident = Resident.objects.restrict(users["grid"]).exclude(phone="").first()
    response = api_client_for(users["grid"]).get(f"/api/residents/{resident.pk}/", {"full_pii": "1"},
                                                 REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 200
    row = assert_audited(AuditAction.VIEW_PII, resident, actor=users["grid"])
    assert (row.source, row.ip) == (AuditSource.API, "198.51.100.4")
    assert audit.current().actor is None


def test_record_many_is_constant_in_queries_and_keeps_division_paths(users):
    counts = {}
    for n in (5, 50):
        # Fresh instances: no grid loaded, as after a bulk_create.
        residents = list(Resident.objects.order_by("pk")[:n])
        with audit.audit_context(users["commander"], source=AuditSource.IMPORT):
            with CaptureQueriesContext(connection) as ctx:
                written = audit.record_many(AuditAction.IMPORT, residents, verb="registry_import",
                                            changes_of=lambda r: {"name": [None, r.name]})
        counts[n] = len(ctx.captured_queries)
        assert written == n
    assert counts[5] == counts[50]
    rows = AuditLog.objects.filter(verb="registry_import").order_by("-id")[:50]
    by_id = {str(r.pk): r for r in Resident.objects.select_related("grid").order_by("pk")[:50]}
    assert len({r.request_id for r in rows}) == 1
    for row in rows:
        resident = by_id[row.object_id]
        assert row.division_path == resident.grid.path
        assert row.changes == {"name": [None, resident.name]}
        assert (row.actor, row.source) == (users["commander"], AuditSource.IMPORT)
    assert audit.record_many(AuditAction.IMPORT, []) == 0


def test_snapshot_and_diff_give_json_values_and_both_sides():
    batch = Batch(pk=1, kind="x", file="batches/a.xlsx", created_at=timezone.now(), division_id=3)
    snap = audit.snapshot(batch)
    assert snap["file"] == "batches/a.xlsx" and snap["division_id"] == 3
    assert isinstance(snap["created_at"], str)
    assert audit._jsonable({"d": decimal.Decimal("1.50"), "t": dt.timedelta(hours=1), "s": {1}}) == {
        "d": "1.50", "t": 3600.0, "s": [1]}
    assert audit.diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {"b": [2, 3], "c": [None, 4]}
    assert audit.diff({"a": 1, "b": None}, {}) == {"a": [1, None]}


class TestAppendOnly:
    @pytest.fixture
    def row(self, db):
        return audit.record(AuditAction.ACTION, None, object_type_="core.test", verb="append_only")

    def test_it_refuses_to_change_a_row(self, row):
        row.verb = "changed"
        with pytest.raises(PermissionError):
            row.save()
        with pytest.raises(PermissionError):
            AuditLog.objects.filter(pk=row.pk).update(verb="changed")
        with pytest.raises(PermissionError), transaction.atomic():
            AuditLog.objects.bulk_update([row], ["verb"])
        assert AuditLog.objects.get(pk=row.pk).verb == "append_only"

    def test_it_refuses_to_delete_a_row(self, row):
        with pytest.raises(PermissionError):
            row.delete()
        with pytest.raises(PermissionError):
            AuditLog.objects.filter(pk=row.pk).delete()
        with pytest.raises(PermissionError):
            AuditLog.objects.all().delete()
        assert AuditLog.objects.filter(pk=row.pk).exists()

    def test_it_prunes_only_rows_past_the_retention_period(self, row, settings):
        now = timezone.now()
        old = AuditLog.objects.bulk_create([
            AuditLog(at=now - dt.timedelta(days=400), action=AuditAction.ACTION, object_type="core.test"),
            AuditLog(at=now - dt.timedelta(days=200), action=AuditAction.ACTION, object_type="core.test"),
        ])
        with pytest.raises(PermissionError):
            AuditLog.objects.prune(now - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS - 1))
        assert AuditLog.objects.prune(now - dt.timedelta(days=300)) == 1
        assert not AuditLog.objects.filter(pk=old[0].pk).exists()
        assert AuditLog.objects.filter(pk__in=[old[1].pk, row.pk]).count() == 2

    def test_deleting_an_account_keeps_its_rows(self, db):
        user = make_user("leaver", None)
        with audit.audit_context(user):
            row = audit.record(AuditAction.ACTION, None, object_type_="core.test")
        user.delete()
        row = AuditLog.objects.get(pk=row.pk)
        assert (row.actor, row.actor_label) == (None, "leaver")


def test_an_update_audits_the_stored_values_even_if_the_instance_was_changed_first(users):
    """A ModelForm writes the new values into its instance while validating; the audit row
    must still show the stored values as "before"."""
    resident = Resident.objects.restrict(users["grid"], "change").filter(status="present").first()
    resident.status = "away"  # as ModelForm._post_clean does
    with audit.audit_context(users["grid"]):
        do_update(resident, acting_user=users["grid"], status="away", away_to="邻县")
    row = assert_audited(AuditAction.UPDATE, resident, actor=users["grid"])
    assert row.changes["status"] == ["present", "away"]


class TestBulkItems:
    """`record_items`: an import's objects as narrow rows under one entry per village touched."""

    @pytest.fixture
    def written(self, users):
        ordered = Resident.objects.select_related("grid").order_by("grid__path", "pk")
        residents = list(ordered[:20]) + list(ordered.reverse()[:20])  # two villages at least
        with audit.audit_context(users["commander"], source=AuditSource.IMPORT):
            n = audit.record_items(AuditAction.CREATE, [("registry.resident", r.pk, r.grid.path) for r in residents],
                                   verb="bulk_items", object_type_="core.batch", object_id="7", object_repr="批次 7",
                                   changes={"batch": 7})
        return n, residents

    def test_it_writes_one_entry_per_village_and_one_item_per_object(self, written, users):
        n, residents = written
        entries = AuditLog.objects.filter(verb="bulk_items")
        villages = {r.grid.path[:12] for r in residents}
        assert n == len(residents) and AuditItem.objects.count() == n
        assert sorted(entries.values_list("division_path", flat=True)) == sorted(villages)
        for entry in entries:
            members = [r for r in residents if r.grid.path.startswith(entry.division_path)]
            assert entry.changes == {"batch": 7, "objects": {"registry.resident": len(members)}}
            assert (entry.actor, entry.source, entry.object_type, entry.object_id) == (
                users["commander"], AuditSource.IMPORT, "core.batch", "7")
        # An object's history: its own rows and the entry that included it.
        one = residents[0]
        own = audit.record(AuditAction.UPDATE, one, verb="bulk_items_edit")
        history = audit.about(AuditLog.objects.all(), "registry.resident", one.pk)
        assert {r.verb for r in history} == {"bulk_items", "bulk_items_edit"} and own in history
        assert not audit.about(AuditLog.objects.all(), "registry.resident", "x").exists()

    def test_an_auditor_below_the_county_reads_the_entries_of_their_subtree(self, written, users):
        from fangkong.core.accounts import audit_log_for

        _, residents = written
        auditor = make_user("village_auditor", residents[0].grid.parent, Role.AUDITOR)
        seen = audit.about(audit_log_for(auditor), "registry.resident", residents[0].pk)
        assert [e.division_path for e in seen] == [residents[0].grid.path[:12]]
        elsewhere = [r for r in residents if not r.grid.path.startswith(residents[0].grid.path[:12])]
        assert elsewhere
        assert not audit.about(audit_log_for(auditor), "registry.resident", elsewhere[0].pk).exists()

    def test_items_are_append_only_and_pruned_with_their_entry(self, written, settings):
        item = AuditItem.objects.first()
        with pytest.raises(PermissionError):
            AuditItem.objects.filter(object_id=item.object_id).update(object_id=0)
        with pytest.raises(PermissionError):
            AuditItem.objects.all().delete()
        old = AuditLog.objects.create(at=timezone.now() - dt.timedelta(days=400), action=AuditAction.CREATE,
                                      object_type="core.batch")
        AuditItem.objects.create(object_type="registry.resident", object_id=1, entry=old)
        assert AuditLog.objects.prune(timezone.now() - dt.timedelta(days=300)) == 1
        assert not AuditItem.objects.filter(entry_id=old.pk).exists()
        assert AuditItem.objects.count() == written[0]
