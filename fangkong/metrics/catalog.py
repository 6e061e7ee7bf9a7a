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

HOUSEHOLDS = _("户")
register(
    # 地毯式排摸 (grid.coverage): one grouped count of a sweep's households, scoped to the viewer.
    Metric("sweep.households", _("应排摸户数"), HOUSEHOLDS, _("发起排摸时区域内各网格常住人口台账的户数，每户一条走访")),
    Metric("sweep.visited", _("已走访户数"), HOUSEHOLDS, _("至少登记了一名成员（台账人员或新发现人员）的户数")),
    Metric("sweep.not_home", _("不在家待再访户数"), HOUSEHOLDS, _("上门不在家、尚未达到上门次数上限的户数（仍计入未走访）")),
    Metric("sweep.unmet", _("未遇户数"), HOUSEHOLDS, _("上门不在家达到本轮次数上限的户数")),
    Metric("sweep.refused", _("拒绝排摸户数"), HOUSEHOLDS, _("拒绝配合排摸的户数")),
    Metric("sweep.unvisited", _("未走访户数"), HOUSEHOLDS, _("尚未走访的户数，含不在家待再访的户")),
    Metric("sweep.people", _("应排摸人数"), PERSONS, _("发起排摸时各户台账在册人数（在家或外出，不含已迁出、已故）")),
    Metric("sweep.people_visited", _("已登记人数"), PERSONS, _("已走访户中逐人登记了情况的台账人数")),
    Metric("sweep.people_unmet", _("未遇人数"), PERSONS, _("未遇户的台账在册人数")),
    Metric("sweep.people_refused", _("拒绝排摸人数"), PERSONS, _("拒绝排摸户的台账在册人数")),
    Metric("sweep.found", _("新发现人数"), PERSONS, _("排摸中发现、台账中没有的新增常住人员和来访暂住人员人数")),
)
