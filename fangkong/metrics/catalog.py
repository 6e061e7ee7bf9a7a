"""The named figures of the platform: label, unit and 口径 (how it is counted), one entry each.

A page that prints a figure takes its label from here and shows the 口径 as the column's title
or in the legend below the table, so a reader can see why two figures differ.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Metric:
    name: str
    label: str | Promise
    unit: str | Promise
    definition: str | Promise


METRICS: dict[str, Metric] = {}


def register(*metrics: Metric) -> None:
    for m in metrics:
        if m.name in METRICS:
            raise ValueError(f"metric {m.name} defined twice")
        METRICS[m.name] = m


def get(name: str) -> Metric:
    return METRICS[name]


PERSONS, ITEMS, TASKS = _("人"), _("条"), _("件")

register(
    # The board (日清日结): leads received in the range, and tasks by what happened to them.
    Metric("board.received", _("接收线索"), ITEMS, _("所选日期内各渠道接收的线索条数（同一人多条线索分别计）")),
    Metric("board.verified", _("办结核查"), TASKS, _("所选日期内审核通过、办结的核查任务件数（不论哪天推送）")),
    Metric("board.controlled", _("落地管控"), TASKS, _("办结核查中结果为“落地管控”的件数")),
    Metric("board.pending", _("在办未超时"), TASKS, _("此刻仍未办结、未过时限的核查任务件数（不论哪天推送）")),
    Metric("board.overdue", _("在办已超时"), TASKS, _("此刻仍未办结、已过时限的核查任务件数（不论哪天推送）")),
    Metric("board.unreachable", _("在办无人接听"), TASKS,
           _("此刻仍未办结、尚未找到本人且至少一次无人接听的核查任务件数（不论哪天推送）")),
    Metric("board.rejected", _("审核退回"), TASKS, _("所选日期内被审核员退回重核的核查任务件数")),
    # 001's first sentence: persons, each counted once.
    Metric("screening.persons", _("排查涉疫风险人员"), PERSONS,
           _("首条线索在所选期间接收的人数（首次推送，之后再推送的不重复计），每人只计一次，按首条线索的渠道归类"
             "（有境外返回线索的计入境外返回），按人员的管理区划计入辖区")),
    Metric("screening.settled", _("已核查办结人员"), PERSONS, _("上述人员中核查任务已全部办结的人数")),
    Metric("screening.measured", _("落实管控措施人员"), PERSONS,
           _("已办结人员中最后办结的核查结果为落地管控或排除风险（健康监测）的人数，按核查时确定的措施分类，累计数，"
             "不是此刻在管人数")),
    Metric("screening.closed_otherwise", _("核查排除人员"), PERSONS,
           _("已办结人员中结果为不在本县、信息错误、无法联系或重复的人数")),
    Metric("screening.verifying", _("正在核查人员"), PERSONS, _("上述人员中仍有核查任务未办结的人数")),
    # 管控总览: measures in force now.
    Metric("control.in_force", _("当前在管人数"), PERSONS,
           _("此刻管控措施进行中（未解除）的人数，按当前措施分类；与001第一句“落实管控措施”的累计人数口径不同")),
    # 001's push sentence: the range's pushes of one channel, each row followed to its task.
    Metric("push.pushed", _("推送数据"), ITEMS, _("所选日期内该渠道推送的线索条数")),
    Metric("push.verified", _("已核实"), ITEMS, _("上述线索中核查任务已找到本人或已办结的条数")),
    Metric("push.unreachable", _("无人接听"), ITEMS, _("上述线索中核查任务未办结、未找到本人且有无人接听记录的条数")),
    Metric("push.in_progress", _("正在落地核查"), ITEMS, _("上述线索中其余正在核查的条数")),
)
