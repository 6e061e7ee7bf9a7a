"""Runs of the coverage job: a failed run (Spark that cannot start, a lost cluster) is marked
failed with a Chinese reason and shown on the round's page, never left running; a Spark setting on
a machine without Java or PySpark is a warning of `manage.py check`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import checks
from django.utils import timezone

from fangkong.analytics import engine, runs
from fangkong.analytics import spark as fk_spark
from fangkong.analytics.models import AnalyticsRun
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import BatchStatus
from fangkong.core.testkit import client_for
from fangkong.testing.jobs import last_coverage_run, refresh_coverage, testing_tick
from fangkong.testing.models import CoverageRollup


@pytest.fixture
def spark_cannot_start(settings, monkeypatch):
    """FANGKONG_ANALYTICS=spark on a machine without Java: the session refuses to start."""
    settings.FANGKONG_ANALYTICS = engine.SPARK
    monkeypatch.setattr(fk_spark, "java_home", lambda: None)
    monkeypatch.setattr(fk_spark, "_session", None)


def test_it_marks_a_failed_spark_run_failed_with_its_reason(users, rnd, spark_cannot_start):
    with pytest.raises(runs.AnalyticsFailed) as failed:
        refresh_coverage(rnd, acting_user=SYSTEM)
    run = last_coverage_run(rnd)
    assert run.status == BatchStatus.FAILED and run.engine == engine.SPARK and run.finished_at
    assert run.error == failed.value.reason and run.error.startswith("Spark 无法启动：缺少 Java")
    assert not CoverageRollup.objects.filter(round=rnd).exists()
    assert not AnalyticsRun.objects.filter(status=BatchStatus.RUNNING).exists()

    page = client_for(users["commander"]).get(f"/testing/rounds/{rnd.pk}/").content.decode()
    assert 'id="coverage-failed"' in page and "缺少 Java" in page


def test_it_answers_a_failed_refresh_with_its_reason_not_an_error_page(users, rnd, spark_cannot_start):
    client = client_for(users["commander"])
    response = client.post(f"/testing/rounds/{rnd.pk}/", follow=True)
    assert response.status_code == 200
    assert "覆盖率计算失败：Spark 无法启动" in response.content.decode()


def test_it_refreshes_the_other_rounds_when_one_fails(users, rnd, monkeypatch):
    def boom(*args, **kwargs):
        raise ValueError("bad input")

    monkeypatch.setattr("fangkong.analytics.coverage.compute_coverage", boom)
    out = testing_tick.call()
    assert out["failed"] == [rnd.pk]
    run = last_coverage_run(rnd)
    assert run.status == BatchStatus.FAILED and run.error == "分析任务失败（DuckDB）：ValueError：bad input"


def test_it_closes_a_run_a_killed_process_left_running(users, rnd):
    subject = f"round:{rnd.pk}"
    stale = AnalyticsRun.objects.create(job="coverage", subject=subject, engine=engine.DUCKDB,
                                        started_at=timezone.now() - dt.timedelta(hours=2))
    refresh_coverage(rnd, acting_user=SYSTEM)
    stale.refresh_from_db()
    assert stale.status == BatchStatus.FAILED and "中断" in stale.error
    assert last_coverage_run(rnd).status == BatchStatus.DONE


def test_it_warns_when_spark_is_configured_but_cannot_run(settings, monkeypatch):
    from fangkong.analytics.checks import check_analytics_engine

    settings.FANGKONG_ANALYTICS = engine.SPARK
    monkeypatch.setattr(fk_spark, "java_home", lambda: None)
    [warning] = check_analytics_engine(None)
    assert warning.id == "fangkong.W010" and warning.level == checks.WARNING and "Java" in warning.msg
    settings.FANGKONG_ANALYTICS = "hadoop"
    assert [e.id for e in check_analytics_engine(None)] == ["fangkong.E010"]
    settings.FANGKONG_ANALYTICS = engine.DUCKDB
    assert check_analytics_engine(None) == []


def test_it_says_why_a_spark_job_was_lost(settings):
    settings.FANGKONG_SPARK_MASTER = "local[2]"
    lost = ConnectionRefusedError(111, "Connection refused")
    assert runs.reason_for(lost, engine.SPARK).startswith("Spark 进程意外退出（可能内存不足")
    settings.FANGKONG_SPARK_MASTER = "spark://10.0.0.30:7077"
    assert runs.reason_for(lost, engine.SPARK).startswith("无法连接 Spark（spark://10.0.0.30:7077）：")
    assert runs.reason_for(KeyboardInterrupt(), engine.SPARK) == "计算被中断（Spark），未完成。"


def test_it_prunes_finished_runs_after_a_month(users, rnd):
    old = AnalyticsRun.objects.create(job="coverage", subject=f"round:{rnd.pk}", engine=engine.DUCKDB,
                                      status=BatchStatus.DONE, started_at=dt.datetime(2022, 7, 4, tzinfo=dt.UTC))
    refresh_coverage(rnd, acting_user=SYSTEM)
    assert not AnalyticsRun.objects.filter(pk=old.pk).exists()
    assert AnalyticsRun.objects.filter(subject=f"round:{rnd.pk}").count() == 1
