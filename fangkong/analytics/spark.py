"""Apache Spark for the analytics jobs (`FANGKONG_ANALYTICS=spark`): one SparkSession per process.

The session is started on first use with settings fit for a county machine — `local[2]` by
default, or the cluster `FANGKONG_SPARK_MASTER` names (spark://host:7077) — and stopped when the
process exits. Each job gets its own `newSession()` (its own temporary views, one shared
SparkContext), so two jobs of one worker never see each other's tables. Inputs arrive as Arrow
tables (`spark.createDataFrame(pyarrow.Table)`, Arrow-backed) and the same Ibis expressions as
on DuckDB run on them through `ibis.pyspark`.

Nothing is downloaded: no `spark.jars.packages`, Ivy's cache under var/; Spark's scratch
space, warehouse and JVM temporary files are under var/spark/; the web UI is off.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import shutil
import sys
import threading
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
from django.conf import settings

_lock = threading.Lock()
_session: Any = None
_atexit_registered = False

LOG4J = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
"""


def java_home() -> str | None:
    """Where Java is (JAVA_HOME or `java` on PATH); None when Spark cannot start here."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return home
    java = shutil.which("java")
    return str(Path(java).resolve().parent.parent) if java else None


def pyspark_version() -> str | None:
    try:
        import pyspark
    except ImportError:
        return None
    return pyspark.__version__


def missing() -> list[str]:
    """What this machine lacks to run Spark jobs, as Chinese phrases (empty when ready)."""
    out = []
    if not java_home():
        out.append("Java（apt-get install openjdk-17-jre-headless）")
    if not pyspark_version():
        out.append("PySpark（pip install pyspark）")
    return out


def conf() -> dict[str, str]:
    """The session's settings: bounded memory, few shuffle partitions, files under var/spark."""
    root = Path(settings.VAR_DIR) / "spark"
    for sub in ("local", "warehouse", "tmp", "ivy"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "log4j2.properties").write_text(LOG4J, encoding="utf-8")
    master = settings.FANGKONG_SPARK_MASTER
    java_opts = (f"-Duser.timezone=UTC -Djava.io.tmpdir={root / 'tmp'} "
                 f"-Dlog4j2.configurationFile={root / 'log4j2.properties'} {settings.FANGKONG_SPARK_JAVA_OPTIONS}").strip()
    out = {
        "spark.master": master,
        "spark.app.name": "fangkong-analytics",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": str(settings.FANGKONG_SPARK_PARTITIONS),
        "spark.default.parallelism": str(settings.FANGKONG_SPARK_PARTITIONS),
        "spark.driver.memory": settings.FANGKONG_SPARK_DRIVER_MEMORY,
        "spark.executor.memory": settings.FANGKONG_SPARK_EXECUTOR_MEMORY,
        "spark.driver.maxResultSize": settings.FANGKONG_SPARK_MAX_RESULT,
        "spark.driver.extraJavaOptions": java_opts,
        "spark.executor.extraJavaOptions": "-Duser.timezone=UTC",
        "spark.local.dir": str(root / "local"),
        "spark.sql.warehouse.dir": str(root / "warehouse"),
        "spark.jars.ivy": str(root / "ivy"),
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.execution.arrow.pyspark.fallback.enabled": "false",
        "spark.sql.catalogImplementation": "in-memory",
    }
    if master.startswith("local"):  # nothing listens beyond this machine
        out.update({"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"})
    else:  # a cluster: its executors call the driver (this worker) back on fixed ports, for the firewall
        if os.environ.get("FANGKONG_SPARK_DRIVER_HOST"):
            out["spark.driver.host"] = os.environ["FANGKONG_SPARK_DRIVER_HOST"]
        out["spark.driver.port"] = os.environ.get("FANGKONG_SPARK_DRIVER_PORT", "7078")
        out["spark.blockManager.port"] = os.environ.get("FANGKONG_SPARK_BLOCK_MANAGER_PORT", "7079")
        out["spark.port.maxRetries"] = "0"  # a taken port is an error, not a silent other port
    return out


def session():
    """The process's SparkSession, started on first use and stopped at exit."""
    global _session, _atexit_registered
    with _lock:
        if _session is not None and not _alive(_session):
            _forget(_session)  # the JVM died (killed, out of memory): start a new one for this job
            _session = None
        if _session is None:
            if missing():
                raise RuntimeError("缺少 " + "、".join(missing()))
            from pyspark.sql import SparkSession

            home = java_home()
            os.environ.setdefault("JAVA_HOME", home or "")
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
            builder = SparkSession.builder
            for key, value in conf().items():
                builder = builder.config(key, value)
            _session = builder.getOrCreate()
            _session.sparkContext.setLogLevel("ERROR")
            logging.getLogger("py4j").setLevel(logging.WARNING)
            if not _atexit_registered:
                atexit.register(stop)
                _atexit_registered = True
        return _session


def _alive(session) -> bool:
    try:
        return not session.sparkContext._jsc.sc().isStopped()
    except Exception:
        return False


def _forget(session) -> None:
    """Drop a session whose JVM is gone, and PySpark's handle on that JVM, so the next starts anew."""
    from pyspark import SparkContext

    with contextlib.suppress(Exception):
        session.stop()
    gateway = SparkContext._gateway
    with contextlib.suppress(Exception):
        if gateway is not None:
            gateway.shutdown()
    SparkContext._gateway = None
    SparkContext._jvm = None
    SparkContext._active_spark_context = None


def stop() -> None:
    global _session
    with _lock:
        if _session is not None:
            _session.stop()
            _session = None


def connect() -> ibis.BaseBackend:
    """An Ibis backend over a fresh session of the process's SparkContext (its own views)."""
    con = ibis.pyspark.connect(session().newSession())
    con.fangkong_views = []
    con.fangkong_cached = []
    return con


def put(con: ibis.BaseBackend, name: str, table: pa.Table) -> ibis.Table:
    """An Arrow table as a temporary view of the job's session."""
    df = con._session.createDataFrame(table)
    df.createOrReplaceTempView(name)
    con.fangkong_views.append(name)
    return con.table(name)


def _dataframe(con: ibis.BaseBackend, expr: ibis.Table):
    """The Spark DataFrame of an expression; its in-memory tables (ibis.memtable) registered first."""
    con._run_pre_execute_hooks(expr)
    return con._session.sql(con.compile(expr))


def materialise(con: ibis.BaseBackend, name: str, expr: ibis.Table) -> ibis.Table:
    """An expression computed once and kept in memory (Spark's cache) for the job's next steps."""
    df = _dataframe(con, expr).cache()
    df.createOrReplaceTempView(name)
    con.fangkong_views.append(name)
    con.fangkong_cached.append(df)
    return con.table(name)


def to_arrow(con: ibis.BaseBackend, expr: ibis.Table) -> pa.Table:
    """Spark's result straight to Arrow, then in the types Ibis gives the expression."""
    from ibis.formats.pyarrow import PyArrowData

    table = _dataframe(con, expr).toArrow()
    return PyArrowData.convert_table(table, expr.schema())


def release(con: ibis.BaseBackend) -> None:
    """Drop the job's views and cached data; the process's session stays for the next job."""
    for df in con.fangkong_cached:
        df.unpersist()
    for name in con.fangkong_views:
        con._session.catalog.dropTempView(name)
    con.fangkong_views, con.fangkong_cached = [], []
