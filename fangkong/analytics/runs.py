"""Runs of the analytics jobs: each recorded from start to end, on DuckDB or Spark.

`recorded(job, subject)` wraps a job: the run is "running" while it computes, then "done", or
"failed" with a Chinese reason — whatever stopped it (a Spark that cannot start, a lost cluster,
a bad input, an interrupted worker) — and the caller gets `AnalyticsFailed` with that reason. A
run a killed process left behind is closed as failed by the next run of the same job.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils import timezone

from fangkong.core.choices import BatchStatus

from . import engine
from .models import AnalyticsRun

STALE_AFTER = dt.timedelta(hours=1)
KEEP = dt.timedelta(days=30)  # finished runs older than this are pruned (a refresh a minute adds up)
ENGINE_NAMES = {engine.DUCKDB: "DuckDB", engine.SPARK: "Spark"}


class AnalyticsFailed(Exception):
    """A job that did not finish; `reason` says why, in Chinese, for the page and the log."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def reason_for(exc: BaseException, kind: str) -> str:
    """Why a run failed, in Chinese: the cause when known, else the error's first line."""
    name = ENGINE_NAMES.get(kind, kind)
    text = (str(exc).strip().splitlines() or [""])[0][:300]
    if isinstance(exc, KeyboardInterrupt | SystemExit):
        return f"计算被中断（{name}），未完成。"
    if kind == engine.SPARK:
        if text.startswith("缺少"):
            return f"Spark 无法启动：{text}。"
        if "JAVA_GATEWAY_EXITED" in text or "Java gateway process exited" in text:
            return "Spark 无法启动：Java 进程启动后即退出，请检查 Java 17 和内存设置。"
        lost = ("Connection refused", "Failed to connect", "Answer from Java side is empty", "Connection reset")
        if isinstance(exc, ConnectionError) or type(exc).__name__ == "Py4JNetworkError" or any(
                s in text for s in lost):
            master = settings.FANGKONG_SPARK_MASTER
            if master.startswith("local"):
                return f"Spark 进程意外退出（可能内存不足，见 FANGKONG_SPARK_DRIVER_MEMORY），下次计算将重新启动：{text}"
            return f"无法连接 Spark（{master}）：{text}"
    return f"分析任务失败（{name}）：{type(exc).__name__}：{text}"


def close_stale(job: str, subject: str) -> int:
    """Runs of this job a killed process left "running": failed, with the reason."""
    return AnalyticsRun.objects.filter(
        job=job, subject=subject, status=BatchStatus.RUNNING, started_at__lt=timezone.now() - STALE_AFTER,
    ).update(status=BatchStatus.FAILED, finished_at=timezone.now(), error="计算进程中断，运行未结束。")


@contextmanager
def recorded(job: str, subject: str, *, kind: str | None = None) -> Iterator[AnalyticsRun]:
    """Record a run of `job` on `subject`; on any failure mark it failed and raise AnalyticsFailed."""
    kind = kind or engine.configured()
    close_stale(job, subject)
    started = time.perf_counter()
    run = AnalyticsRun.objects.create(job=job, subject=subject, engine=kind, status=BatchStatus.RUNNING,
                                      started_at=timezone.now())

    def finish(status: str, error: str = "") -> None:
        run.status, run.error, run.finished_at = status, error, timezone.now()
        run.seconds = round(time.perf_counter() - started, 3)
        AnalyticsRun.objects.filter(pk=run.pk).update(status=status, error=error, finished_at=run.finished_at,
                                                       seconds=run.seconds)

    try:
        yield run
    except BaseException as exc:
        reason = reason_for(exc, kind)
        finish(BatchStatus.FAILED, reason)
        if isinstance(exc, Exception):
            raise AnalyticsFailed(reason) from exc
        raise
    finish(BatchStatus.DONE)
    AnalyticsRun.objects.filter(job=job, subject=subject, started_at__lt=run.started_at - KEEP).delete()


def last(job: str, subject: str) -> AnalyticsRun | None:
    return AnalyticsRun.objects.filter(job=job, subject=subject).first()
