"""Periodic work: which task runs how often. `fangkong run_scheduler` enqueues each one when
it is due, and the database worker (`fangkong db_worker`) runs it — no cron, no extra server.

The tasks claim their own work with conditional updates (escalations, missed-test alerts,
re-sampling reminders), so a second scheduler or a late tick never makes anything fire twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Periodic:
    task: str  # dotted path to a django-tasks Task
    every: dt.timedelta
    label: str


SCHEDULE: tuple[Periodic, ...] = (
    Periodic("fangkong.screening.jobs.escalate_overdue_task", dt.timedelta(minutes=1), "核查超时升级"),
    Periodic("fangkong.control.jobs.alert_missed_tests_task", dt.timedelta(minutes=15), "漏检提醒"),
    Periodic("fangkong.testing.jobs.testing_tick", dt.timedelta(minutes=1), "上门单采超时与覆盖刷新"),
    Periodic("fangkong.grid.jobs.escalate_overdue_sweeps_task", dt.timedelta(minutes=15), "排摸超时升级"),
    Periodic("fangkong.grid.jobs.open_arrival_tasks_task", dt.timedelta(minutes=15), "返县报备到达日核验"),
    Periodic("fangkong.grid.jobs.refresh_away_risk_task", dt.timedelta(hours=6), "县外人员所在地风险等级刷新"),
    Periodic("fangkong.grid.jobs_care.care_tick_task", dt.timedelta(minutes=5),
             "四对一专班组建、查看逾期升级与中断通知标记"),
    Periodic("fangkong.sectors.jobs.sectors_tick", dt.timedelta(minutes=15), "关停令生效与复查超期升级"),
    Periodic("fangkong.tracing.jobs.escalate_overdue_milestones_task", dt.timedelta(minutes=1), "流调时限超时升级"),
    Periodic("fangkong.command.jobs.command_tick", dt.timedelta(minutes=5), "交办超期升级、日报提醒"),
    Periodic("fangkong.core.jobs.prune_audit_log_task", dt.timedelta(days=1), "审计日志到期清理"),
    Periodic("fangkong.core.jobs.fail_stale_batches_task", dt.timedelta(minutes=5), "中断的导入批次标为失败"),
    Periodic("fangkong.screening.jobs.rebuild_board_rollups_task", dt.timedelta(days=1), "日清日结看板计数重算"),
    Periodic("fangkong.tracing.copresence_jobs.copresence_tick", dt.timedelta(days=1),
             "时空伴随记录到期删除（默认21天）与研判阳性检出核对"),
    Periodic("fangkong.sectors.sentinel.jobs.sentinel_tick", dt.timedelta(minutes=30), "哨点预警研判与超时升级"),
    Periodic("fangkong.sectors.sentinel.jobs.rebuild_sentinel_counts_task", dt.timedelta(days=1), "哨点日计数重算"),
)


def due(schedule: tuple[Periodic, ...], last_run: dict[str, dt.datetime], now: dt.datetime) -> list[Periodic]:
    """The jobs whose interval has passed since they were last enqueued (never run: due now)."""
    return [p for p in schedule if p.task not in last_run or now - last_run[p.task] >= p.every]


def enqueue_due(last_run: dict[str, dt.datetime], now: dt.datetime,
                schedule: tuple[Periodic, ...] = SCHEDULE) -> list[str]:
    """Enqueue every due job and remember when; returns the dotted paths enqueued."""
    enqueued = []
    for job in due(schedule, last_run, now):
        import_string(job.task).enqueue()
        last_run[job.task] = now
        enqueued.append(job.task)
    return enqueued
