"""Venue scans and location records move from two tables to the record store (Parquet files by
day, `tracing.copresence_store`): the rows still there are written to the store first, with the
store's digest, so that nothing within the retention period is lost and importing their file
again still adds nothing."""

import datetime as dt

from django.db import migrations

MOVE_ROWS = 200_000


def move_records(apps, schema_editor) -> None:
    import duckdb
    import pyarrow as pa

    from fangkong.tracing.copresence_import import LOCATIONS, SCANS, _key_sql

    connection = schema_editor.connection
    for kind, table in ((SCANS, "tracing_scanrecord"), (LOCATIONS, "tracing_locationrecord")):
        store = kind.store
        columns = [n for n in store.schema.names if n != "key"]
        with connection.cursor() as cur:
            cur.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id")
            while rows := cur.fetchmany(MOVE_ROWS):
                values = {}
                for i, name in enumerate(columns):
                    column = [r[i] for r in rows]
                    if name in kind.times:  # SQLite: text in UTC; PostgreSQL: aware datetimes
                        column = [v.astimezone(dt.UTC).replace(tzinfo=None) if isinstance(v, dt.datetime)
                                  and v.tzinfo else v for v in column]
                        values[name] = pa.array(column).cast(pa.timestamp("us"))
                    else:
                        values[name] = pa.array(column, store.schema.field(name).type)
                chunk = pa.table(values)
                with duckdb.connect() as con:
                    con.register("chunk", chunk)
                    chunk = con.sql(f"SELECT *, {_key_sql(kind)} AS key FROM chunk").to_arrow_table()
                store.add(chunk, label="moved")


class Migration(migrations.Migration):

    dependencies = [
        ('tracing', '0003_transmission_chains'),
    ]

    operations = [
        migrations.RunPython(move_records, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(
            model_name='scanrecord',
            name='batch',
        ),
        migrations.RemoveField(
            model_name='scanrecord',
            name='division',
        ),
        migrations.DeleteModel(
            name='LocationRecord',
        ),
        migrations.DeleteModel(
            name='ScanRecord',
        ),
    ]
