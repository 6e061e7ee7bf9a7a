"""System checks of the analytics engine: a Spark setting on a machine that cannot run Spark."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register()
def check_analytics_engine(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    from . import engine, spark

    kind = settings.FANGKONG_ANALYTICS
    if kind not in engine.ENGINES:
        return [checks.Error(f"FANGKONG_ANALYTICS 应为 duckdb 或 spark，而不是 {kind!r}",
                             hint="Unset it (DuckDB) or set FANGKONG_ANALYTICS=spark.", id="fangkong.E010")]
    if kind == engine.SPARK and (lacking := spark.missing()):
        return [checks.Warning(
            f"FANGKONG_ANALYTICS=spark，但本机缺少 {'、'.join(lacking)}：分析任务将失败 / "
            "Spark is configured but cannot start here",
            hint="scripts/setup spark (Java 17 and the [spark] extra: pip install -c constraints.txt "
                 "-e '.[spark]'), or unset FANGKONG_ANALYTICS.",
            id="fangkong.W010")]
    return []
