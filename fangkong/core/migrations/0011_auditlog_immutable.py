"""The audit log's immutability in the database itself, not only in Python: no bug, shell or
raw SQL of the application's role can rewrite it.

PostgreSQL: a row trigger refuses every UPDATE and DELETE of core_auditlog, except
- clearing `actor_id` alone (ON DELETE SET NULL of a deleted account: the row keeps its
  `actor_label`), and
- deleting rows older than the 180-day minimum retention (the retention job, `prune`).
TRUNCATE (a test database's flush) fires no row trigger. The narrow items of bulk acts
(core_audititem) likewise: never updated, deleted only with an entry past the 180 days (the
retention job deletes the items before their entries).

SQLite: a trigger refuses every UPDATE except clearing `actor_id` alone; DELETE is left to the
Python guard there, since SQLite empties tables with DELETE (a test database's flush).
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION core_auditlog_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.at < now() - interval '180 days' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION '审计日志不可删除' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '审计日志不可修改' USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditlog_immutable ON core_auditlog;
CREATE TRIGGER core_auditlog_immutable BEFORE UPDATE OR DELETE ON core_auditlog
    FOR EACH ROW EXECUTE FUNCTION core_auditlog_immutable();
CREATE OR REPLACE FUNCTION core_audititem_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (
        SELECT 1 FROM core_auditlog WHERE id = OLD.entry_id AND at < now() - interval '180 days') THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '审计日志不可修改' USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_audititem_immutable ON core_audititem;
CREATE TRIGGER core_audititem_immutable BEFORE UPDATE OR DELETE ON core_audititem
    FOR EACH ROW EXECUTE FUNCTION core_audititem_immutable();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS core_audititem_immutable ON core_audititem;
DROP FUNCTION IF EXISTS core_audititem_immutable();
DROP TRIGGER IF EXISTS core_auditlog_immutable ON core_auditlog;
DROP FUNCTION IF EXISTS core_auditlog_immutable();
"""

# Every column but actor_id must stay as it was (IS: NULL-safe equality).
SQLITE_COLUMNS = ("id", "at", "actor_label", "action", "verb", "object_type", "object_id", "object_repr", "changes",
                  "division_path", "source", "ip", "request_id")
SQLITE_UP = (
    "CREATE TRIGGER IF NOT EXISTS core_auditlog_no_update BEFORE UPDATE ON core_auditlog "
    "WHEN NOT (NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL AND "
    + " AND ".join(f"NEW.{c} IS OLD.{c}" for c in SQLITE_COLUMNS)
    + ") BEGIN SELECT RAISE(ABORT, '审计日志不可修改'); END;",
    "CREATE TRIGGER IF NOT EXISTS core_audititem_no_update BEFORE UPDATE ON core_audititem "
    "BEGIN SELECT RAISE(ABORT, '审计日志不可修改'); END;",
)
SQLITE_DOWN = ("DROP TRIGGER IF EXISTS core_auditlog_no_update;", "DROP TRIGGER IF EXISTS core_audititem_no_update;")


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0010_ratecount")]

    operations = [migrations.RunPython(up, down, elidable=False)]
