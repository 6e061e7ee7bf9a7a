"""The county report (工作汇报) of seed 001, written from live data.

`build_briefing` walks the seed's structure — the opening numbers since a date (channels and
measures), today's numbers, the four lines of defence — and fills every figure from the
registered metrics (`fangkong.metrics`), in the scope of one account narrowed to a division.
A sentence is a list of parts, text or `Figure`; where the seed asserts a fact (均为低风险区人员，
核酸检测阴性; 均按要求处置完毕), the sentence says it only when the figures show it, and else says
what is true (`phrases`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.choices import DivisionLevel
from fangkong.core.models import Division, User
from fangkong.metrics import briefing as m
from fangkong.metrics.checkpoints import border_figures, wan
from fangkong.metrics.events import IN_FORCE, SUPERVISED, event_figures
from fangkong.metrics.screening import push_figures, screening_figures
from fangkong.metrics.sectors import inspection_figures, sector_words, venue_figures
from fangkong.metrics.sentinels import sentinel_figures
from fangkong.screening.choices import Channel
from fangkong.sectors.choices import CheckpointKind, EventKind, EventStatus, Finding
from fangkong.sectors.models import SENTINEL_SECTORS, Sector

from . import phrases
from .figures import Figure, reader, url

Part = str | Figure
WEEK = 7


def text(parts: list[Part]) -> str:
    return "".join(str(p) for p in parts)


def date_words(d: dt.date) -> str:
    return _("%(m)d月%(d)d日") % {"m": d.month, "d": d.day}


def since_words(since: dt.date) -> str:
    return _("%(m)d月份以来") % {"m": since.month} if since.day == 1 else _("%(date)s以来") % {"date": date_words(since)}


@dataclass
class Briefing:
    division: Division
    day: dt.date
    since: dt.date
    week_start: dt.date
    title: str
    sentences: dict[str, list[Part]] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)

    def fig(self, key: str, value: int | str, metric: str, list_url: str, note: str = "", scale: str = "") -> Figure:
        if key in self.figures:
            raise ValueError(f"figure {key} twice")
        f = Figure(key, value, metric, list_url, note, scale)
        self.figures[key] = f
        return f

    def texts(self) -> dict[str, str]:
        return {k: text(v) for k, v in self.sentences.items()}

    def context(self) -> dict:
        """What a county's docxtpl template may print: the sentences (`s.<name>`), every figure by
        its key (`f.<key>`) and the appendix rows (`figures`)."""
        rows = [{"no": i, **f.as_dict()} for i, f in enumerate(self.figures.values(), 1)]
        return {"title": self.title, "division": self.division.name, "day": self.day, "since": self.since,
                "date_words": _("%(y)d年%(m)d月%(d)d日") % {"y": self.day.year, "m": self.day.month, "d": self.day.day},
                "s": self.texts(), "f": self.figures, "figures": rows}


def build_briefing(user: User | None, *, day: dt.date | None = None, since: dt.date | None = None,
                   division: Division | None = None) -> Briefing:
    day = day or timezone.localdate()
    since = since or day.replace(day=1)
    if since > day:
        from .figures import BriefingError

        raise BriefingError(_("起始日期不能晚于汇报日期"))
    division = division or (user.division if user is not None else None) or (
        Division.objects.filter(level=DivisionLevel.COUNTY).order_by("path").first())
    who = reader(user, division)
    b = Briefing(division, day, since, day - dt.timedelta(days=WEEK - 1),
                 _("%(name)s疫情防控风险排查工作汇报") % {"name": division.name})
    _opening(b, who)
    _today(b, who)
    _checkpoints(b, who)
    _grids(b, who)
    _pushes(b, who)
    _venues(b, who)
    _key_groups(b, who)
    _events(b, who)
    _sentinels(b, who)
    return b


def _board(start: dt.date, end: dt.date) -> str:
    return url("screening:board", start=start, end=end, since=start)


def _opening(b: Briefing, who: User) -> None:
    f = screening_figures(who, b.since, b.day)
    board = _board(b.since, b.day)
    c = f.by_channel
    names = [("self", _("自主报备和基层排查")), ("big_data", _("大数据推送")), ("assist", _("协查推送")),
             ("abroad", _("境外返回")), ("contacts", _("密接、次密接推送")), ("hard_to_find", _("难查数据")),
             ("sentinel", _("哨点监测报告"))]
    channels = [(label, b.fig(f"channel_{key}", c.get(key, 0), "screening.persons", board, label))
                for k, (key, label) in enumerate(names) if k < 4 or c.get(key, 0)]
    total = b.fig("screening_total", f.total, "screening.persons", board)
    measures = [(label, b.fig(f"measure_{key}", f.by_measure[key], "screening.measured", board, label))
                for key, label in (("central", _("集中隔离")), ("home_isolation", _("居家医学观察")),
                                   ("monitoring", _("健康监测")))]
    measured = b.fig("screening_measured", f.measured, "screening.measured", board)
    otherwise = b.fig("screening_closed_otherwise", f.closed_otherwise, "screening.closed_otherwise", board)
    verifying = b.fig("screening_verifying", f.verifying, "screening.verifying",
                      url("screening:verifications", status="open"))
    b.sentences["opening"] = [
        _("我汇报一下%(name)s风险人员排查管控工作情况。") % {"name": b.division.name},
        since_words(b.since), _("，共排查涉疫风险人员"), total, _("人（其中"),
        *phrases.join_counts(channels, _("人")), _("）"),
        *(phrases.measures(measures, measured, otherwise, verifying, all_settled=f.settled == f.total)
          if f.total else [_("。")]),
    ]


def _today(b: Briefing, who: User) -> None:
    f = screening_figures(who, b.day, b.day)
    r = m.risk_test_figures(who, b.day, b.day)
    board = _board(b.day, b.day)
    total = b.fig("today_total", f.total, "screening.persons", board, _("今日"))
    risky = b.fig("today_from_risk_area", r.from_risk_area, "screening.from_risk_area", board, _("今日"))
    neg = b.fig("today_test_negative", r.negative, "screening.test_negative", board, _("今日"))
    pending = b.fig("today_test_pending", r.pending, "screening.test_pending", board, _("今日"))
    pos = b.fig("today_test_positive", r.positive, "screening.test_positive", board, _("今日"))
    measured = b.fig("today_measured", f.measured, "screening.measured", board, _("今日"))
    b.sentences["today"] = phrases.today(total, risky, neg, pending, pos, measured)


def _checkpoints(b: Briefing, who: User) -> None:
    from fangkong.metrics.checkpoints import list_url

    f = border_figures(who, b.since, b.day)
    border = CheckpointKind.COUNTY_BORDER
    span = {"date_from": b.since, "date_to": b.day, "kind": border}
    cps = b.fig("checkpoints", f.checkpoints, "checkpoints.border", list_url("checkpoint_list", kind=border, active="true"))
    # In 万 as the report writes large counts; below 10,000 the count itself ("0.04万" reads wrong).
    big_v, big_p = f.vehicles >= 10000, f.people >= 10000
    vehicles = b.fig("checkpoint_vehicles_wan", wan(f.vehicles) if big_v else f.vehicles, "checkpoints.vehicles",
                     list_url("vehiclecheck_list", **span), scale=_("万") if big_v else "")
    people = b.fig("checkpoint_people_wan", wan(f.people) if big_p else f.people, "checkpoints.people",
                   list_url("personcheck_list", **span), scale=_("万") if big_p else "")
    rule = m.low_risk_rule()
    b.sentences["checkpoints"] = [
        _("全县设外省市交通卡口一共是"), cps, _("个，%(since)s，交通卡口累计核查") % {"since": since_words(b.since)},
        vehicles, _("万辆车、") if big_v else _("辆车、"), people,
        _("万人。各交通卡口严格按照要求落实查验制度，对中高风险区来返人员，实施闭环点对点管理，") if big_p
        else _("人。各交通卡口严格按照要求落实查验制度，对中高风险区来返人员，实施闭环点对点管理，"),
    ]
    if rule is None:
        b.sentences["checkpoints"].append(_("对低风险地区来返人员，按现行管控方案落实健康监测。"))
    else:
        policy = reverse("control:policy", args=[rule[2]])
        days = b.fig("low_risk_days", rule[0], "control.low_risk_days", policy)
        tests = b.fig("low_risk_tests", rule[1], "control.low_risk_tests", policy)
        b.sentences["checkpoints"] += [_("对低风险地区来返人员，落实"), days, _("天"), tests, _("检。")]


def _grids(b: Briefing, who: User) -> None:
    g = m.grid_figures(who)
    grids = b.fig("grids", g.grids, "grid.grids", url("registry:divisions"))
    households = b.fig("grid_households", g.households, "grid.households", url("registry:household_list"))
    workers = b.fig("grid_workers", g.workers, "grid.workers", url("registry:divisions"))
    if g.per_worker is None:
        b.sentences["grids"] = [_("全县一共设立"), grids, _("个基层网格，共"), households, _("户，尚未登记网格员账号，"
                                "网格包户责任有待落实到人。")]
        return
    per = b.fig("households_per_worker", g.per_worker, "grid.households_per_worker", url("registry:household_list"))
    b.sentences["grids"] = [_("全县一共设立"), grids, _("个基层网格，共"), households, _("户，网格员"), workers,
                            _("人，按照每个网格员基本上包"), per, _("户这种方式，将防控责任落实到最小单元。")]


def _pushes(b: Briefing, who: User) -> None:
    modules = b.fig("modules", m.module_count(), "screening.modules", url("command:unit_list"))
    townships = b.fig("townships", m.township_count(who), "screening.townships", url("screening:divisions"))
    located, sampled, result = m.deadline_hours(Channel.BIG_DATA)
    policy = url("screening:verifications", channel=Channel.BIG_DATA)
    h1 = b.fig("located_hours", located, "screening.located_hours", policy)
    h2 = b.fig("sampled_hours", sampled, "screening.sampled_hours", policy)
    h3 = b.fig("result_hours", result, "screening.result_hours", policy)
    b.sentences["modules"] = [modules, _("个模块都明确负责人、管理员、审核员，对相关部门和"), townships,
                              _("个乡镇和街道、开发区进行全面的落实责任，"), h1, _("小时对大数据推送信息进行逐条核查，确保"),
                              h2, _("小时完成排查任务，"), h3, _("小时内报告核酸检测结果，做到即推即查、落地管控、日清日结。")]
    sentences = []
    for key, channel, words in (("self", Channel.SELF_REPORT, _("群众自报数据")), ("big_data", Channel.BIG_DATA,
                                                                               _("大数据"))):
        p = push_figures(who, b.since, b.day, channel=channel)
        r = m.risk_test_figures(who, b.since, b.day, channel=channel)
        leads = url("screening:leads", channel=channel)
        board = _board(b.since, b.day)
        note = str(Channel(channel).label)
        pushed = b.fig(f"{key}_pushed", p.pushed, "push.pushed", leads, note)
        verified = b.fig(f"{key}_verified", p.verified, "push.verified", leads, note)
        low = b.fig(f"{key}_low_risk", r.low_risk, "screening.low_risk", board, note)
        risky = b.fig(f"{key}_from_risk_area", r.from_risk_area, "screening.from_risk_area", board, note)
        neg = b.fig(f"{key}_test_negative", r.negative, "screening.test_negative", board, note)
        pending = b.fig(f"{key}_test_pending", r.pending, "screening.test_pending", board, note)
        pos = b.fig(f"{key}_test_positive", r.positive, "screening.test_positive", board, note)
        sentences.append(phrases.cumulative(_("累计接收") + words if channel == Channel.SELF_REPORT else words + _("累计推送"),
                                            pushed, verified, low, risky, neg, pending, pos))
    b.sentences["self_reports"], b.sentences["big_data"] = sentences
    p = push_figures(who, b.day, b.day, channel=Channel.BIG_DATA)
    leads = url("screening:leads", channel=Channel.BIG_DATA)
    note = _("今日大数据推送")
    b.sentences["pushes_today"] = phrases.pushes_today(
        b.fig("today_pushed", p.pushed, "push.pushed", leads, note),
        b.fig("today_push_verified", p.verified, "push.verified", leads, note),
        b.fig("today_push_in_progress", p.in_progress, "push.in_progress",
              url("screening:verifications", channel=Channel.BIG_DATA, status="open"), note),
        b.fig("today_push_unreachable", p.unreachable, "push.unreachable",
              url("screening:verifications", channel=Channel.BIG_DATA, metric="unreachable"), note))


def _venue_list(**params: object) -> str:
    return url("sectors:venue_list", **params)


def _venues(b: Briefing, who: User) -> None:
    f = venue_figures(who, b.day)
    parts: list[Part] = [_("对全县"), b.fig("venues", f.total, "sectors.venues", _venue_list(registered_by=b.day)),
                         _("个重点公共场所")]
    for k, (sector, n) in enumerate(f.by_sector):
        words = sector_words(sector)
        parts += [_("（其中") if k == 0 else _("，"), words,
                  b.fig(f"venues_{sector.code}", n, "sectors.venues", _venue_list(sector=sector.pk, registered_by=b.day),
                        words), _("家")]
    if f.by_sector:
        parts.append(_("）"))
    b.sentences["venues"] = [*parts, _("，全部落实内部经理和外部行业责任人制度，督促张贴防疫公示牌。")]
    day = inspection_figures(who, b.day, b.day)
    year_start = dt.date(b.day.year, 1, 1)
    year = inspection_figures(who, year_start, b.day)
    d = {"inspected_from": b.day, "inspected_to": b.day}
    y = {"inspected_from": year_start, "inspected_to": b.day}
    parts = []
    if day.by_sector:
        for k, (sector, n) in enumerate(day.by_sector):
            words = sector_words(sector)
            parts += [_("今日检查") if k == 0 else _("、"), words,
                      b.fig(f"inspected_{sector.code}", n, "sectors.inspected", _venue_list(sector=sector.pk, **d), words),
                      _("家")]
        parts += [_("，责令整改"), b.fig("rectify_today", day.rectify, "sectors.rectify",
                                    _venue_list(finding=Finding.RECTIFY, **d), _("今日")), _("家")]
    else:
        parts.append(_("今日未检查场所"))
    parts += [_("（今年以来，累计检查市场经营主体"),
              b.fig("inspected_year", year.inspected, "sectors.inspected", _venue_list(**y), _("今年以来")),
              _("家，下达整改"),
              b.fig("rectify_year", year.rectify, "sectors.rectify", _venue_list(finding=Finding.RECTIFY, **y), _("今年以来")),
              _("家，停业整顿"),
              b.fig("suspend_year", year.suspend, "sectors.suspend", _venue_list(finding=Finding.SUSPEND, **y), _("今年以来")),
              _("家）。")]
    b.sentences["inspections"] = parts


def _key_groups(b: Briefing, who: User) -> None:
    k = m.key_group_figures(who, b.week_start, b.day)
    groups = url("testing:key_groups")
    households = url("registry:household_list")
    b.sentences["key_groups"] = phrases.key_groups(
        b.fig("key_groups", k.groups, "testing.key_groups", groups),
        b.fig("key_group_members", k.members, "testing.key_group_members", groups),
        b.fig("key_group_tested", k.tested, "testing.key_group_tested", groups),
        b.fig("key_group_untested", k.untested, "testing.key_group_members", groups, _("本周未检测")),
        b.fig("key_group_away", k.away, "testing.key_group_away", groups),
        b.fig("households", k.households, "grid.households", households),
        b.fig("households_tested", k.households_tested, "testing.households_tested", households),
        b.fig("residents_tested", k.residents_tested, "testing.residents_tested", url("testing:home")))


def _events(b: Briefing, who: User) -> None:
    f = event_figures(who, b.week_start, b.day)

    def events(**params: object) -> str:
        return url("sectors:familyevent_list", date_from=b.week_start, date_to=b.day, **params)

    b.sentences["events"] = phrases.events(
        date_words(b.week_start), date_words(b.day),
        b.fig("events", f.total, "events.reported", events(status=IN_FORCE)),
        b.fig("events_weddings", f.weddings, "events.reported", events(kind=EventKind.WEDDING, status=IN_FORCE), _("喜事")),
        b.fig("events_funerals", f.funerals, "events.reported", events(kind=EventKind.FUNERAL, status=IN_FORCE), _("丧事")),
        b.fig("events_supervised", f.supervised, "events.supervised", events(status=SUPERVISED)),
        b.fig("events_checked", f.checked, "events.checked", events(status=EventStatus.CHECKED)),
        b.fig("events_flagged", f.flagged, "events.flagged", events(status=IN_FORCE, flagged="true")))


def _sentinels(b: Briefing, who: User) -> None:
    f = sentinel_figures(who, b.since, b.day)
    r = {"date_from": b.since, "date_to": b.day}
    sectors = list(Sector.objects.filter(code__in=SENTINEL_SECTORS).values_list("pk", flat=True))
    b.sentences["sentinels"] = phrases.sentinels(
        since_words(b.since),
        b.fig("sentinels", f.sentinels, "sectors.sentinels", _venue_list(registered_by=b.day, sector=sectors)),
        b.fig("fever_reported", f.reported, "sectors.sentinel_reported", url("sectors:sentinelrecord_list", **r)),
        b.fig("fever_handled", f.handled, "sectors.sentinel_handled", url("sectors:sentinelrecord_list", handled="1", **r)),
        b.fig("fever_unhandled", f.reported - f.handled, "sectors.sentinel_handled",
              url("sectors:sentinelrecord_list", handled="0", **r), _("正在核查处置")))
