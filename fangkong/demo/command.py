"""The demo's headquarters (一办六组六专班 of the demo county), a unit per township reporting daily,
a few dispatches in every state (signed off, done awaiting sign-off, returned, acknowledged, issued,
overdue and escalated, one sent by a task force's leader), a week of daily reports with today's
partly missing, two supervision groups' visits with findings in every state of their rectification,
and this week's duty roster of the headquarters' office (and of the first township), with a swap, a
log and handovers. Everything goes through the command area's own actions (audited).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

from django.utils import timezone

from fangkong.command.actions import (
    do_acknowledge,
    do_add_member,
    do_add_township_units,
    do_dispatch,
    do_dispatch_rectification,
    do_file_report,
    do_hand_over,
    do_log_duty,
    do_recheck,
    do_record_finding,
    do_record_visit,
    do_report_done,
    do_report_progress,
    do_return,
    do_set_coverage,
    do_sign_off,
    do_swap_duty,
)
from fangkong.command.choices import (
    DispatchSource,
    DutyRole,
    FindingCategory,
    FindingSeverity,
    MemberPosition,
    UnitKind,
)
from fangkong.command.jobs import escalate_overdue_tasks
from fangkong.command.models import DutyShift, Finding, Unit
from fangkong.core.actions import SYSTEM, do_create, do_update
from fangkong.core.choices import DivisionLevel, Module, Role
from fangkong.core.models import Division, User

OFFICE = ("指挥部办公室", "办公室", "统筹协调指挥部日常工作，汇总各组、各专班和各乡镇（街道）每日情况，承办交办督办和值班信息报告")
# (name, short name, duties, leader's account, seconded from)
GROUPS = (
    ("排查管控组", "排查组", "由政法书记和公安局长任双组长，统筹基层网格排查和重点人员管控", "big_data_lead", ()),
    ("医疗救治组", "医疗组", "负责发热门诊、定点医院和患者救治，指导医疗机构院感防控", "cdc", ()),
    ("核酸检测组", "检测组", "统筹核酸采样点、检测机构和大规模核酸检测，试剂和采样管调配", None, ()),
    ("交通管控组", "交通组", "负责进县卡口、交通场站查验登记和货车司机闭环管理", None, ()),
    ("物资保障组", "物资组", "负责防护用品、药品、检测试剂和消杀产品的储备调配", None, ()),
    ("宣传舆情组", "宣传组", "负责信息发布、政策解读和舆情监测处置", None, ()),
)
TASK_FORCES = (
    ("涉疫风险排查工作专班", "排查专班", "由副县长、公安局局长任组长，在公安局集中办公，六个排查模块明确负责人、管理员、审核员",
     "big_data_lead", ("县公安局", "县卫健局", "县民政局"), list(Module.values)),
    ("坝上旅游工作专班", "旅游专班", "由管旅游和管卫生的两名副县长任组长，抽调卫健、旅文等专职人员常住坝上，督促游客落地核酸",
     None, ("县卫健局", "县文化和旅游局", "县文化和旅游局", "县卫健局"), []),
    ("重点场所监管专班", "场所专班", "督促重点场所落实扫码测温、限流和防疫公示，组织行业检查和整改复查", "regulator",
     ("县市场监督管理局",), []),
    ("隔离管控专班", "隔离专班", "负责集中隔离点和居家隔离人员管控，落实“4+1”专班", None, ("县卫健局",), []),
    ("流调溯源专班", "流调专班", "负责阳性和密接人员流行病学调查、时空伴随研判", "cdc", ("县疾控中心",), []),
    ("督导检查专班", "督导专班", "对各乡镇（街道）和各有关部门开展督导检查，及时发现问题、督促整改", None, (), []),
)
SURNAMES = "王李张刘陈杨赵黄周吴"


def week_ago() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=6)


def _account(username: str | None) -> User | None:
    return User.objects.filter(username=username).first() if username else None


def seed_structure(rng: random.Random, commander: User) -> Unit | None:
    """一办六组六专班 of the demo county, and a reporting unit per township."""
    county = Division.objects.filter(level=DivisionLevel.COUNTY).order_by("path").first()
    if county is None or Unit.objects.filter(kind=UnitKind.HEADQUARTERS).exists():
        return None
    hq = do_create(Unit, acting_user=commander, verb="create_unit", name=f"{county.name}疫情防控指挥部", short_name="指挥部",
                   kind=UnitKind.HEADQUARTERS, division=county, order=0,
                   duties="统一领导、指挥和协调全县疫情防控工作（一办六组六专班）")
    do_add_member(hq, name="县委书记", position=MemberPosition.LEADER, title="指挥长", acting_user=commander)
    do_add_member(hq, position=MemberPosition.DEPUTY, title="常务副指挥长", user=commander, name="", acting_user=commander)
    name, short, duties = OFFICE
    office = do_create(Unit, acting_user=commander, verb="create_unit", name=name, short_name=short, kind=UnitKind.OFFICE,
                       division=county, parent=hq, duties=duties, order=1)
    do_add_member(office, name="卫健局局长", position=MemberPosition.LEADER, title="办公室主任", acting_user=commander)
    for k, (name, short, duties, leader, _from) in enumerate(GROUPS, 2):
        group = do_create(Unit, acting_user=commander, verb="create_unit", name=name, short_name=short,
                          kind=UnitKind.GROUP, division=county, parent=hq, duties=duties, order=k)
        _staff(rng, group, leader, (), commander)
    regulator = _account("regulator")
    for k, (name, short, duties, leader, seconded, modules) in enumerate(TASK_FORCES, 10):
        force = do_create(Unit, acting_user=commander, verb="create_unit", name=name, short_name=short,
                          kind=UnitKind.TASK_FORCE, division=county, parent=hq, duties=duties, modules=modules,
                          reports_daily=k < 12, reports_since=week_ago() if k < 12 else None, order=k)
        _staff(rng, force, leader, seconded, commander)
        if leader == "regulator" and regulator is not None:
            from fangkong.sectors.models import Sector

            do_set_coverage(force, sectors=Sector.objects.filter(code__in=["ktv", "netbar", "bar", "script_game"]),
                            acting_user=commander)
    for unit in do_add_township_units(hq, acting_user=commander):
        do_update(unit, reports_since=week_ago(), verb="update_unit", acting_user=commander)
    return hq


def _staff(rng: random.Random, unit: Unit, leader: str | None, seconded: tuple[str, ...], actor: User) -> None:
    account = _account(leader)
    if account is not None:
        do_add_member(unit, name="", position=MemberPosition.LEADER, title="组长", user=account, acting_user=actor)
    else:
        do_add_member(unit, name=f"{rng.choice(SURNAMES)}副县长", position=MemberPosition.LEADER, title="组长",
                      acting_user=actor)
    do_add_member(unit, name=f"{rng.choice(SURNAMES)}联络员", position=MemberPosition.LIAISON, title="联络员",
                  phone=f"139{rng.randint(10_000_000, 99_999_999)}", acting_user=actor)
    for dept in seconded:
        do_add_member(unit, name=f"{rng.choice(SURNAMES)}{rng.choice('明华强丽静军')}", seconded_from=dept,
                      title="专职人员", acting_user=actor)


def _cadre(unit: Unit) -> User | Any:
    return (User.objects.filter(division=unit.division, roles__role=Role.TOWNSHIP_CADRE, is_active=True)
            .order_by("id").first() or SYSTEM)


def seed_dispatches(rng: random.Random, commander: User) -> Counter[str]:
    """Dispatches in every state, and the escalation of the overdue ones."""
    counts: Counter[str] = Counter()
    towns = list(Unit.objects.filter(kind=UnitKind.TOWNSHIP).order_by("order", "id"))
    if len(towns) < 2:
        return counts
    now = timezone.now()

    def send(title: str, content: str, units: list[Unit], due: dt.timedelta, at: dt.timedelta = dt.timedelta(0),
             **kw: Any):
        counts["dispatches"] += 1
        return do_dispatch(acting_user=kw.pop("actor", commander), title=title, content=content, units=units,
                           due_at=now - at + due, now=now - at, **kw)

    d = send("落实返乡人员落地排查", "对近7日从中高风险地区返乡人员逐户排查，落实“落地检”和健康监测", towns[:3],
             dt.timedelta(days=1), evidence="排查台账", source=DispatchSource.MEETING)
    t0, t1 = list(d.tasks.order_by("unit__order"))[:2]  # a third township, if any, has not answered yet
    do_acknowledge(t0, acting_user=_cadre(t0.unit))
    do_report_progress(t0, text="已排查返乡人员42人，均已落实核酸检测", acting_user=_cadre(t0.unit))
    do_report_done(t1, text="排查完毕，返乡人员18人全部纳入健康监测", acting_user=_cadre(t1.unit))
    d = send("整改卡口登记不全问题", "督导发现部分卡口外来车辆登记信息不全，限期整改", towns[:2], dt.timedelta(days=1),
             dt.timedelta(days=3), evidence="整改报告和现场照片", source=DispatchSource.SUPERVISION,
             source_note="第三督导组现场督导")
    done, late = d.tasks.order_by("unit__order")
    do_report_done(done, text="已完成整改，增设登记员2名", acting_user=_cadre(done.unit))
    do_sign_off(done, text="整改到位，同意销号", acting_user=commander)
    do_acknowledge(late, acting_user=_cadre(late.unit))  # overdue since two days: escalates below
    d = send("核查哨点药店购药人员", "对哨点药店报告的购买退烧药人员逐一核查并落实核酸检测", towns[-1:], dt.timedelta(hours=6),
             dt.timedelta(hours=2), source=DispatchSource.SENTINEL, source_note="哨点监测预警")
    task = d.tasks.get()
    do_report_done(task, text="已核查3人", acting_user=_cadre(task.unit))
    do_return(task, text="未附核酸检测结果，请补充", acting_user=commander)
    cdc = _account("cdc")
    tracing = Unit.objects.filter(name="流调溯源专班").first()
    testing = Unit.objects.filter(name="核酸检测组").first()
    if cdc is not None and tracing is not None and testing is not None:
        send("阳性样本复核", "对混检阳性管的十名受检者单采复核，结果2小时内报专班", [testing], dt.timedelta(hours=4),
             source=DispatchSource.POSITIVE, sender_unit=tracing, actor=cdc)
    counts["escalated"] = escalate_overdue_tasks()
    return counts


def seed_reports(rng: random.Random) -> Counter[str]:
    """A week of daily reports: most on time, a few late or missing, today's partly filed."""
    counts: Counter[str] = Counter()
    today, now = timezone.localdate(), timezone.now()
    units = list(Unit.objects.filter(reports_daily=True).order_by("order", "id"))
    for unit in units:
        actor = _cadre(unit) if unit.kind == UnitKind.TOWNSHIP else SYSTEM
        for back in range(6, -1, -1):
            day = today - dt.timedelta(days=back)
            if day < unit.reports_from():
                continue
            roll = rng.random()
            if roll < 0.12 or (back == 0 and roll < 0.4):
                continue  # missing
            hour = 17 if roll > 0.9 else rng.randint(9, 15)
            at = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, rng.randint(0, 59))))
            if at > now:
                continue
            zero = rng.random() < 0.5
            content = "" if zero else rng.choice(["发现外地返乡人员2人，已落实落地核酸和健康监测",
                                                  "重点场所检查12家，责令整改1家", "发热门诊接诊5人，核酸均为阴性"])
            do_file_report(unit, day, nothing_to_report=zero, content=content, acting_user=actor, now=at,
                           figures=[["当日排查涉疫风险人员", str(rng.randint(0, 30))]])
            counts["late" if at.hour >= 16 else "reports"] += 1
    return counts


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32  # the demo's stand-in for a photo of the rectified site
FINDINGS = (
    (FindingCategory.CHECKPOINT, FindingSeverity.MAJOR, "卡口外来车辆登记信息不全，夜间无人查验行程卡"),
    (FindingCategory.GRID, FindingSeverity.MINOR, "网格员入户排查台账未及时更新，返乡人员2人未登记"),
    (FindingCategory.VENUE, FindingSeverity.MINOR, "超市入口未落实扫码测温，防疫公示未更新"),
    (FindingCategory.TESTING, FindingSeverity.SERIOUS, "采样点排队人员未保持一米间距，采样人员未按规定更换手套"),
    (FindingCategory.ISOLATION, FindingSeverity.MAJOR, "居家隔离人员门磁未安装，未落实每日两次体温监测"),
    (FindingCategory.REPORTING, FindingSeverity.MINOR, "日报数据与排查台账不一致"),
)


def seed_supervision(rng: random.Random, commander: User, hq: Unit) -> Counter[str]:
    """Two supervision groups, each covering half the townships; a visit to each of their first
    townships (one unannounced) with findings: passed on time, passed late after a failed re-check,
    waiting for re-check, being rectified, overdue, and not yet dispatched."""
    counts: Counter[str] = Counter()
    towns = list(Unit.objects.filter(kind=UnitKind.TOWNSHIP).order_by("order", "id"))
    if len(towns) < 2:
        return counts
    now, today = timezone.now(), timezone.localdate()
    half = (len(towns) + 1) // 2
    groups = []
    for k, part in enumerate((towns[:half], towns[half:]), 1):
        group = do_create(Unit, acting_user=commander, verb="create_unit", name=f"第{'一二'[k - 1]}督导组", short_name=f"督导{k}组",
                          kind=UnitKind.SUPERVISION, division=hq.division, parent=hq, order=30 + k,
                          duties="分片督导乡镇（街道）疫情防控工作，发现问题交办整改并复查")
        _staff(rng, group, "regulator" if k == 1 else None, ("县纪委监委", "县卫健局"), commander)
        do_set_coverage(group, covers=[t.division for t in part], acting_user=commander)
        groups.append((group, part))
    for g, (group, part) in enumerate(groups):
        for n, town in enumerate(part[:2]):
            visit = do_record_visit(acting_user=commander, group=group, unit=town, day=today - dt.timedelta(days=6 - 2 * n - g),
                                    unannounced=(n + g) % 2 == 1, members=f"{group.short_name}{rng.choice(SURNAMES)}组长等3人",
                                    places="进城卡口、城区网格、核酸采样点", summary="查阅台账、现场检查，发现问题当场反馈")
            counts["visits"] += 1
            for _k in range(3):
                category, severity, text = FINDINGS[counts["findings"] % len(FINDINGS)]
                do_record_finding(visit, category=category, severity=severity, description=text, acting_user=commander)
                counts["findings"] += 1
    findings = list(Finding.objects.select_related("unit").order_by("id"))
    evidence = [("整改.png", PNG)]
    for k, finding in enumerate(findings[:-1]):  # the last one is not dispatched yet
        created = now - dt.timedelta(days=5 - (k % 4))
        task = do_dispatch_rectification(finding, due_at=created + dt.timedelta(days=2), acting_user=commander, now=created)
        cadre = _cadre(task.unit)

        def at(hours: int, start: dt.datetime = created) -> dt.datetime:
            return start + dt.timedelta(hours=hours)

        if k % 5 == 0:  # done on time and passed
            do_report_done(task, text="已整改到位", files=evidence, acting_user=cadre, now=at(24))
            do_recheck(Finding.objects.get(pk=finding.pk), passed=True, note="现场复查整改到位", acting_user=commander,
                       now=at(26))
        elif k % 5 == 1:  # failed once, then passed after the deadline
            do_report_done(task, text="已整改", files=evidence, acting_user=cadre, now=at(24))
            do_recheck(Finding.objects.get(pk=finding.pk), passed=False, note="复查仍有问题，请继续整改",
                       acting_user=commander, due_at=at(96), now=at(30))
            if at(72) < now:
                task = Finding.objects.select_related("task").get(pk=finding.pk).task  # sent back by the re-check
                do_report_done(task, text="已彻底整改", files=evidence, acting_user=cadre, now=at(60))
                do_recheck(Finding.objects.get(pk=finding.pk), passed=True, acting_user=commander, now=at(72))
        elif k % 5 == 2:  # waiting for the re-check
            do_report_done(task, text="已完成整改，请复查", files=evidence, acting_user=cadre)
        counts["rectifications"] += 1
    return counts


def _duty_people(commander: User, office: Unit) -> tuple[list[User], list[User]]:
    """The office's duty leaders and officers: demo accounts of the command centre, with phones."""
    from fangkong.core.accounts import do_assign_role, do_create_user

    leaders, officers = [], []
    for username, name, phone, out in (("zbld1", "刘副县长", "13803130001", leaders), ("zbld2", "孙副县长", "13803130002", leaders),
                                       ("zbld3", "赵局长", "13803130003", leaders), ("zby1", "周值班员", "13803130011", officers),
                                       ("zby2", "吴值班员", "13803130012", officers)):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = do_create_user(username, division=office.division, full_name=name, phone=phone,
                                  password_hash=commander.password, acting_user=SYSTEM)
            do_assign_role(user, Role.COMMAND_CENTER, acting_user=SYSTEM)
            do_add_member(office, name="", user=user, title="带班领导" if out is leaders else "值班员", acting_user=commander)
        out.append(user)
    return leaders, [*officers, commander]


def seed_duty(rng: random.Random, commander: User) -> Counter[str]:
    """This week's roster (Monday to Sunday, 08:30–次日08:30) of the headquarters' office and of the
    first township; a swap, a few calls logged, handovers of the shifts past; one office shift left
    without an officer (the coverage figure)."""
    counts: Counter[str] = Counter()
    office = Unit.objects.filter(kind=UnitKind.OFFICE).first()
    town = Unit.objects.filter(kind=UnitKind.TOWNSHIP).order_by("order", "id").first()
    if office is None:
        return counts
    leaders, officers = _duty_people(commander, office)
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    now = timezone.now()
    for d in range(-1, 7):
        day = monday + dt.timedelta(days=d)
        officer = None if d == 5 else officers[d % len(officers)]
        shift = do_create(DutyShift, acting_user=commander, verb="create_duty_shift", unit=office, day=day,
                          leader=leaders[d % len(leaders)], officer=officer)
        counts["shifts"] += 1
        if town is not None:
            cadre = _cadre(town)
            do_create(DutyShift, acting_user=commander, verb="create_duty_shift", unit=town, day=day,
                      officer=cadre if isinstance(cadre, User) else None)
        if shift.starts_at <= now and officer is not None:
            keeper = officer
            for _k in range(rng.randint(1, 3)):
                at = min(now, shift.starts_at + dt.timedelta(hours=rng.randint(1, 20)))
                caller, content, handling = rng.choice((
                    ("市指挥部办公室", "询问今日核酸检测进度", "已电话报告检测组，16时前报送"),
                    ("群众来电", "反映某小区有外地返乡人员未报备", "已转所在乡镇核实，落实落地检"),
                    ("县医院发热门诊", "报告发热患者1人，核酸结果待出", "已通知流调专班跟进"),
                ))
                do_log_duty(shift, caller=caller, content=content, handling=handling, at=at, acting_user=keeper)
                counts["calls"] += 1
            if shift.ends_at <= now:
                do_hand_over(shift, note="本班来电均已处置；督导组明日到乡镇暗访，请提前通知相关单位", acting_user=keeper,
                             now=shift.ends_at)
        if shift.ends_at > now and d == 6:
            do_swap_duty(shift, role=DutyRole.LEADER, to_user=leaders[(d + 1) % len(leaders)], reason="原带班领导到市里开会",
                         acting_user=commander)
            counts["swaps"] += 1
    return counts


def seed_command(rng: random.Random, commander: User) -> str:
    hq = seed_structure(rng, commander)
    if hq is None:
        return "指挥部架构已存在"
    dispatches = seed_dispatches(rng, commander)
    reports = seed_reports(rng)
    supervision = seed_supervision(rng, commander, hq)
    duty = seed_duty(rng, commander)
    return (f"指挥部单位 {Unit.objects.count()} 个, 交办单 {dispatches['dispatches']} 件（超期升级 {dispatches['escalated']} 级次）, "
            f"日报 {reports['reports'] + reports['late']} 份（迟报 {reports['late']}）, "
            f"督导 {supervision['visits']} 次（发现问题 {supervision['findings']} 个）, 值班 {duty['shifts']} 班（记录 {duty['calls']} 条）")
