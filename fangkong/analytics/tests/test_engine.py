"""The analytics engine on its own: typed inputs, its input contract, and its one-way boundary."""

import ast
import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

from fangkong.analytics import coverage as cov
from fangkong.analytics import engine

ANALYTICS = Path(cov.__file__).parent


def test_it_types_columns_the_source_left_untyped():
    """ADBC's SQLite driver types an empty or all-NULL column as int64 (a county without
    exemptions): such columns take their declared type, missing ones come as typed nulls."""
    read = pa.table({"resident_id": pa.array([], pa.int64()), "site_path": pa.array([], pa.int64())})
    table = engine.typed(read, {"resident_id": "int64", "site_path": "string", "sampled_at": "timestamp"})
    assert table.schema.field("site_path").type == pa.string()
    assert table.schema.field("sampled_at").type == pa.timestamp("us") and table.num_rows == 0
    nulls = engine.typed(pa.table({"site_path": pa.array([None, None], pa.int64())}), {"site_path": "string"})
    assert nulls.schema.field("site_path").type == pa.string() and nulls.column("site_path").null_count == 2
    kept = engine.typed(pa.table({"site_path": ["130724001"]}), {"site_path": "string"})
    assert kept.column("site_path").to_pylist() == ["130724001"]


def test_it_refuses_a_coverage_without_its_input_tables():
    with pytest.raises(ValueError, match="missing input tables: exemptions"):
        cov.compute_coverage({n: "SELECT 1" for n in cov.COVERAGE_INPUTS if n != "exemptions"},
                             starts_on=dt.date(2022, 7, 4), infant_age=3)


def test_it_knows_no_app_that_asks_it():
    """Testing asks the engine (testing → analytics), never the reverse: no import of a domain
    app and no table of one in the engine's source."""
    found = []
    for path in ANALYTICS.rglob("*.py"):
        if "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("fangkong."):
                if (node.module or "").split(".")[1] not in ("core", "analytics"):
                    found.append(f"{path.name}: {node.module}")
        found += [f"{path.name}: {t}" for t in ("testing_", "registry_", "screening_", "control_") if t in text]
    assert found == []


def test_it_starts_spark_with_local_settings(settings, tmp_path):
    """Spark local: UI off, few partitions, bounded driver memory, files under var/, loopback
    only, nothing downloaded; a cluster gets fixed driver ports for its firewall."""
    from fangkong.analytics import spark

    settings.VAR_DIR, settings.FANGKONG_SPARK_MASTER = tmp_path, "local[2]"
    conf = spark.conf()
    assert conf["spark.ui.enabled"] == "false" and conf["spark.sql.shuffle.partitions"] == "4"
    assert conf["spark.driver.memory"] == "1g" and conf["spark.driver.bindAddress"] == "127.0.0.1"
    assert conf["spark.sql.execution.arrow.pyspark.enabled"] == "true"
    assert all(conf[k].startswith(str(tmp_path / "spark")) for k in ("spark.local.dir", "spark.sql.warehouse.dir",
                                                                      "spark.jars.ivy"))
    assert "spark.jars.packages" not in conf and "-Duser.timezone=UTC" in conf["spark.driver.extraJavaOptions"]
    settings.FANGKONG_SPARK_MASTER = "spark://10.0.0.30:7077"
    cluster = spark.conf()
    assert cluster["spark.driver.port"] == "7078" and "spark.driver.bindAddress" not in cluster


def test_it_refuses_an_unknown_engine(settings):
    with pytest.raises(ValueError, match="FANGKONG_ANALYTICS 应为 duckdb 或 spark"):
        engine.connect(kind="hadoop")


@pytest.mark.django_db(transaction=True)
def test_it_reads_what_this_process_has_just_committed(restore_county):
    """Outside a transaction the engine sees every committed row at once. On SQLite it reads
    through Django's own connection, never ADBC: the driver's own copy of SQLite read a stale
    database in the same process (the demo's co-presence run found none of the records imported
    a moment before it)."""
    from django.db import connection

    from fangkong.core.models import Notification, User

    assert not connection.in_atomic_block
    assert engine.use_adbc() is (connection.vendor == "postgresql")
    query = {"n": "SELECT count(*) AS n FROM core_notification WHERE kind = 'engine-probe'"}
    for expected in (1, 2):
        Notification.objects.create(user=User.objects.order_by("pk").first(), kind="engine-probe", title="t")
        assert engine.fetch_arrow(query)["n"].to_pylist() == [{"n": expected}]
