"""Demo activity on a generated county: leads, verifications, measures, a sampling round.

Everything goes through the platform's own intake and action functions (audited, notified,
signals fired), deterministically from a seed, so the boards of a demo are not empty.
"""

from __future__ import annotations

import datetime as dt
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.choices import AuditSource, DivisionLevel, MeasureKind
from fangkong.core.identity import check_digit
from fangkong.core.models import Division, User
from fangkong.demo.areas import seed_risk_areas
from fangkong.demo.away import seed_people_away, seed_return_reports
from fangkong.demo.care import seed_care
from fangkong.demo.command import seed_command
from fangkong.demo.copresence import seed_copresence
from fangkong.demo.key_groups import seed_key_groups
from fangkong.demo.supplies import seed_releases, seed_supplies
from fangkong.demo.sweeps import seed_sweeps
from fangkong.demo.tipoffs import seed_tip_offs
from fangkong.registry.choices import ResidentStatus
from fangkong.registry.models import Resident

STEPS_CC = [(MeasureKind.CENTRAL_QUARANTINE, 7), (MeasureKind.HOME_MONITORING, 3)]
# Places of the demo's risk areas (fangkong.demo.areas) but the last two: Tianjin's was lifted
# before anyone arrived, Datong was never listed; their people get a measure chosen by hand.
ORIGINS = ["河北省石家庄市藁城区增村镇", "河北省石家庄市藁城区廉州镇", "北京市朝阳区望京街道", "上海市浦东新区张江镇",
           "内蒙古自治区呼和浩特市赛罕区", "天津市河西区友谊路街道", "山西省大同市平城区"]
ABROAD = ["韩国首尔", "日本东京", "俄罗斯莫斯科", "新加坡"]
SURNAMES = "王李张刘陈杨赵黄周吴"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰"]


def _outsider_id(rng: random.Random) -> str:
    first17 = f"110105{rng.randint(1960, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return first17 + check_digit(first17)


class Command(BaseCommand):
    help = "在示范县上生成演示业务数据(排查、管控、核酸) / seed deterministic demo activity"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed", type=int, default=2022)
        parser.add_argument("--if-empty", action="store_true", help="do nothing when leads already exist")

    def handle(self, *args, **opts) -> None:
        from fangkong.screening.models import Lead

        if Lead.objects.exists():
            if opts["if_empty"]:
                self.stdout.write("已有线索数据,跳过 / leads exist, skipping")
                return
        commander = User.objects.filter(username="commander").first()
        if commander is None:
            raise CommandError("找不到指挥部账号 commander,请先运行 generate_county / no commander account")
        rng = random.Random(opts["seed"])
        start = time.perf_counter()
        with audit.audit_context(actor=commander, source=AuditSource.CLI):
            self._policy(commander)
            seed_people_away(commander, rng)  # before the list: publishing it calls the people there
            seed_risk_areas(timezone.localdate(), acting_user=commander)  # before any lead arrives
            sites = self._quarantine_sites(commander)
            leads = self._leads(rng, commander)
            counts = self._verifications(rng, commander, leads)
            rooms = self._rooms(sites, commander)
            tests = self._testing(rng, commander)
            tests += ", " + seed_key_groups(commander, rng)  # after the round: members tested today
            sweeps = seed_sweeps(commander, rng)
            venues = self._sectors(rng, commander)
            venues += self._checkpoints(rng, commander)
            outbreak = self._tracing(rng, commander)
            copresence = seed_copresence(commander, rng)
            away = seed_return_reports(commander, rng)
            away += "，" + seed_tip_offs(commander, rng)
            command = seed_command(rng, commander)
            supplies = seed_supplies(rng, commander)
            releases = seed_releases(commander)
            care = seed_care(commander, rng)
        secs = time.perf_counter() - start
        self.stdout.write(f"演示数据 / demo activity: {len(leads)} 条线索, {counts}, {rooms} 人入住隔离点, "
                          f"{tests}, {sweeps}, {venues}, {outbreak}, {copresence}, {away}, {command}, {supplies}, "
                          f"{releases}, {care} — {secs:.1f} s")

    # control ---------------------------------------------------------------------------------

    def _policy(self, commander: User) -> None:
        from fangkong.control import actions
        from fangkong.control.choices import ContactType, OriginLevel
        from fangkong.control.models import PolicyVersion, Rule

        if PolicyVersion.in_force() is not None:
            return
        draft = actions.do_create_draft(None, title="第九版防控方案", acting_user=commander)
        for priority, (name, steps, days, cond) in enumerate([
            ("密接", STEPS_CC, "1,2,3,5,7", {"contact_type": ContactType.CLOSE_CONTACT}),
            ("高风险区", [(MeasureKind.CENTRAL_QUARANTINE, 7)], "1,2,3,5,7",
             {"origin_level": OriginLevel.HIGH, "max_days_since_leaving": 7}),
            ("中风险区", [(MeasureKind.HOME_ISOLATION, 7)], "1,3,5,7",
             {"origin_level": OriginLevel.MEDIUM, "max_days_since_leaving": 7}),
            ("低风险区", [(MeasureKind.HEALTH_MONITORING, 3)], "1,3",
             {"origin_level": OriginLevel.LOW, "max_days_since_leaving": 3}),
            ("境外返回", STEPS_CC, "1,3,7,10", {"from_abroad": "yes"}),
        ], start=1):
            actions.do_save_rule(Rule(version=draft, name=name, priority=priority, test_days=days, **cond), steps,
                                 acting_user=commander)
        actions.do_publish_policy(draft, acting_user=commander)

    def _quarantine_sites(self, commander: User) -> list:
        from fangkong.control import actions
        from fangkong.control.models import QuarantineSite

        county = Division.objects.filter(level=DivisionLevel.COUNTY).order_by("path").first()
        # The demo's site account works at the first site, so it sees and runs it.
        site_staff = list(User.objects.filter(username="site"))
        sites = []
        for i, (name, address, n) in enumerate((("县宾馆隔离点", "县城迎宾路1号", 40), ("职教中心隔离点", "县城学府路8号", 30))):
            site = QuarantineSite.objects.filter(name=name).first()
            if site is None:
                site = actions.do_create_quarantine_site(
                    acting_user=commander, name=name, division=county, address=address, manager_name="刘建国",
                    staff=site_staff if i == 0 else [])
                actions.do_add_rooms(site, [str(100 * (1 + j // 20) + j % 20 + 1) for j in range(n)],
                                     acting_user=commander)
            sites.append(site)
        return sites

    def _rooms(self, sites: list, commander: User) -> int:
        from django.core.exceptions import ValidationError

        from fangkong.control import actions
        from fangkong.control.choices import MeasureStatus, RoomStatus
        from fangkong.control.models import Measure, Room

        rooms = [r for r in Room.objects.filter(site__in=sites, status=RoomStatus.AVAILABLE).order_by("site_id", "id")
                 if actions.room_occupants(r) < r.beds]
        waiting = Measure.objects.filter(kind=MeasureKind.CENTRAL_QUARANTINE, status=MeasureStatus.ACTIVE,
                                         room__isnull=True).order_by("id")
        done = 0
        for measure, room in zip(waiting, rooms, strict=False):
            try:
                actions.do_assign_room(measure, room, acting_user=commander)
                done += 1
            except ValidationError:
                continue
        return done

    # screening -------------------------------------------------------------------------------

    def _leads(self, rng: random.Random, commander: User) -> list:
        from fangkong.core.identity import RECEIPT_ALPHABET
        from fangkong.screening import actions
        from fangkong.screening.choices import AssistDirection, BigDataSource, Channel, LeadKind
        from fangkong.screening.intake import (
            LeadInput,
            ingest,
            new_receipt_code,
            notify_assignees,
        )
        from fangkong.screening.models import AssistRequest, Lead

        ids = list(Resident.objects.filter(id_number__isnull=False).exclude(phone="")
                   .order_by("id").values_list("id", flat=True))
        if not ids:
            raise CommandError("示范县没有居民 / the county has no residents")
        chosen = rng.sample(ids, min(len(ids), 330))
        residents = list(Resident.objects.filter(id__in=chosen).order_by("id"))
        rng.shuffle(residents)
        now = timezone.now()

        def item(r: Resident | None, **extra) -> LeadInput:
            if r is None:  # someone not in the registry
                name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
                return LeadInput(name=name, id_number=_outsider_id(rng), phone=f"139{rng.randint(0, 99_999_999):08d}",
                                 address="暂住" + rng.choice(["县城", "镇上"]) + "宾馆", **extra)
            return LeadInput(name=r.name, id_number=r.id_number, phone=r.phone, address=r.address, **extra)

        def origin_extra() -> dict:
            days = rng.randint(0, 6)  # most arrived within the 7 days the risk-area rules look back
            return {"origin": rng.choice(ORIGINS), "arrived_at": now - dt.timedelta(days=days, hours=rng.randint(0, 12))}

        plan = [(Channel.SELF_REPORT, 60), (Channel.GRID_SCREENING, 60), (Channel.CLOSE_CONTACT, 40),
                (Channel.BIG_DATA, 120)]
        leads: list = []
        pos = 0
        for channel, n in plan:
            batch_now = []
            for k in range(n):
                r = residents[pos] if k % 15 else None  # one in fifteen is not a resident
                pos += 1
                extra = origin_extra() if channel != Channel.CLOSE_CONTACT else {"note": "确诊病例同一场所"}
                if channel == Channel.SELF_REPORT:
                    code = "".join(rng.choice(RECEIPT_ALPHABET) for _ in range(8))
                    if Lead.objects.filter(receipt_code=code).exists():  # a second run with the same seed
                        code = new_receipt_code()
                    extra["receipt_code"] = code
                if channel == Channel.BIG_DATA:
                    extra["source"] = rng.choice(list(BigDataSource)).value
                    extra["pushed_at"] = now - dt.timedelta(hours=rng.randint(1, 60))
                    if k % 6 == 0:  # 境外返回
                        extra.update(kind=LeadKind.FROM_ABROAD, origin=rng.choice(ABROAD))
                if channel == Channel.GRID_SCREENING:
                    extra["reported_by_id"] = commander.pk
                batch_now.append(item(r, **extra))
            # a third arrived two days ago: their deadlines have passed (逾期)
            cut = n // 3
            for part, at in ((batch_now[:cut], now - dt.timedelta(days=2)), (batch_now[cut:], now)):
                result = ingest(part, channel=channel, now=at)
                notify_assignees(result.assigned, channel)
                leads.extend(result.leads)
        first = AssistRequest.objects.count() + 1  # a fresh reference keeps a second run's leads apart
        for k in range(12):  # 跨省协查 from other regions
            r = residents[pos]
            pos += 1
            ar = actions.do_create_assist(AssistDirection.INBOUND, region=rng.choice(ORIGINS),
                                          name=r.name, id_number=r.id_number, phone=r.phone, address=r.address,
                                          reason="该人员为我市确诊病例密接,请协助落地管控", reference=f"协查函〔2022〕{first + k}号",
                                          acting_user=commander)
            if getattr(ar, "lead", None) is not None:
                leads.append(ar.lead)
        return leads

    def _verifications(self, rng: random.Random, commander: User, leads: list) -> dict:
        from fangkong.screening import actions
        from fangkong.screening.choices import (
            AttemptKind,
            Channel,
            LeadKind,
            Outcome,
            ReviewDecision,
            VerificationStatus,
        )
        from fangkong.screening.models import Lead, Verification

        pairs = list(Lead.objects.filter(pk__in=[lead.pk for lead in leads]).values_list("verification_id", "kind"))
        vids = sorted({vid for vid, _ in pairs if vid})
        tasks = list(Verification.objects.filter(pk__in=vids, status=VerificationStatus.OPEN)
                     .select_related("person").order_by("id"))
        rng.shuffle(tasks)
        kinds = dict(pairs)
        counts = {"controlled": 0, "cleared": 0, "unreachable": 0, "approved": 0, "pending": 0}
        for i, v in enumerate(tasks):
            share = i / len(tasks)
            if share < 0.35:
                if v.channel in (Channel.CLOSE_CONTACT, Channel.ASSIST_REQUEST) or kinds.get(v.pk) == LeadKind.FROM_ABROAD:
                    kind = MeasureKind.CENTRAL_QUARANTINE
                else:
                    kind = rng.choice([MeasureKind.HOME_ISOLATION, MeasureKind.HOME_MONITORING])
                actions.do_record_attempt(v, AttemptKind.CALLED, "电话联系本人,已告知管控要求", acting_user=commander)
                actions.do_record_attempt(v, AttemptKind.FOUND, "网格员上门核实", acting_user=commander)
                actions.do_submit_outcome(v, Outcome.CONTROLLED, measure_kind=kind, place="家中",
                                          reason="已落地,落实管控措施", acting_user=commander)
                counts["controlled"] += 1
                if share < 0.28:
                    actions.do_review(v, ReviewDecision.APPROVED, "同意", acting_user=commander)
                    counts["approved"] += 1
            elif share < 0.55:
                actions.do_record_attempt(v, AttemptKind.CALLED, "电话核实行程", acting_user=commander)
                actions.do_submit_outcome(v, Outcome.CLEARED, reason="行程不涉及风险地区", acting_user=commander)
                counts["cleared"] += 1
                if share < 0.5:
                    actions.do_review(v, ReviewDecision.APPROVED, acting_user=commander)
                    counts["approved"] += 1
            elif share < 0.63:
                for _ in range(3):
                    actions.do_record_attempt(v, AttemptKind.NO_ANSWER, "无人接听", acting_user=commander)
                actions.do_submit_outcome(v, Outcome.UNREACHABLE, reason="多次拨打无人接听,上门未见本人", acting_user=commander)
                counts["unreachable"] += 1
            else:
                if rng.random() < 0.4:
                    actions.do_record_attempt(v, AttemptKind.NO_ANSWER, "首次拨打无人接听", acting_user=commander)
                counts["pending"] += 1
        return counts

    # sectors ---------------------------------------------------------------------------------

    def _sectors(self, rng: random.Random, commander: User) -> str:
        from fangkong.demo.events import seed_events, seed_resumption
        from fangkong.demo.sectors import seed_inspections, seed_venues

        regulator = User.objects.filter(username="regulator").first()
        venues = seed_venues(rng, regulator or commander)
        counts = seed_inspections(rng, venues, regulator)
        from fangkong.demo.sentinels import seed_sentinels

        sentinels = seed_sentinels(rng, venues, commander)
        events = seed_events(rng)
        resumed = seed_resumption(rng, regulator)
        return (f"重点场所 {len(venues)} 家, 今日检查 {counts['inspections']} 家, "
                f"哨点登记 {sentinels['records']} 条, 哨点预警 {sentinels['signals']} 条, 红白事 {events} 起, "
                f"复工复产申请 {resumed} 家")

    def _checkpoints(self, rng: random.Random, commander: User) -> str:
        from fangkong.demo.checkpoints import seed_checkpoint_traffic, seed_checkpoints

        checkpoints = seed_checkpoints(rng, commander)
        counts = seed_checkpoint_traffic(rng, checkpoints, commander)
        return f", 卡口 {len(checkpoints)} 个, 今日登记 {counts['rows']} 人次, 来自风险区 {counts['leads']} 人"

    # tracing (cases, investigations, contacts) ----------------------------------------------

    def _tracing(self, rng: random.Random, commander: User) -> str:
        from fangkong.core.choices import Role
        from fangkong.demo.tracing import seed_outbreak
        from fangkong.sectors.models import Venue

        cdc = User.objects.filter(roles__role=Role.CDC, is_active=True).order_by("id").first() or commander
        return seed_outbreak(rng, cdc, list(Venue.objects.order_by("id")[:1]))

    # testing ---------------------------------------------------------------------------------

    def _testing(self, rng: random.Random, commander: User) -> str:
        from fangkong.testing import actions
        from fangkong.testing.choices import SampleStatus
        from fangkong.testing.ingest import ResultRow, do_import_results, new_batch
        from fangkong.testing.jobs import refresh_coverage
        from fangkong.testing.models import SamplingRound, SamplingSite

        county = Division.objects.filter(level=DivisionLevel.COUNTY).order_by("path").first()
        villages = list(Division.objects.filter(level=DivisionLevel.VILLAGE).order_by("path"))
        if not villages:
            return "无村级区划,未生成核酸数据"
        today = timezone.localdate()
        rnd = actions.do_create_round(name=f"第{SamplingRound.objects.count() + 1}轮全员核酸检测", division=county, starts_on=today, days=3,
                                      villages=villages[::3], acting_user=commander)
        now = timezone.now()
        tubes, seq = [], 0
        for village in villages[::3][:3]:
            name = f"{village.name}村委会采样点"
            site = SamplingSite.objects.filter(name=name, division=village).order_by("id").first()
            if site is None:
                site = actions.do_create_sampling_site(
                    name=name, division=village, address=f"{village.name}村委会广场", opens_at=dt.time(7),
                    closes_at=dt.time(18), acting_user=commander)
            people = list(Resident.objects.filter(grid__parent=village, status=ResidentStatus.PRESENT, id_number__isnull=False)
                          .order_by("id").values_list("id_number", flat=True)[:50])
            for k in range(0, len(people), 10):
                seq += 1
                sample = actions.do_open_tube(site, f"DEMO{rnd.pk:03d}{seq:05d}", 10, round=rnd,
                                              now=now - dt.timedelta(hours=6), acting_user=commander)
                for id_number in people[k:k + 10]:
                    actions.do_bind_sample(sample, id_number, now=now - dt.timedelta(hours=6), acting_user=commander)
                sample.refresh_from_db()
                if sample.status == SampleStatus.OPEN:
                    actions.do_seal_tube(sample, now=now - dt.timedelta(hours=5), acting_user=commander)
                tubes.append(sample)
        if not tubes:
            return "未采样"
        resulted = tubes[:-2] if len(tubes) > 3 else tubes  # the last two still wait for their result
        positive = rng.randrange(len(resulted))  # one of the resulted tubes, whatever the seed
        rows = [ResultRow(i + 1, s.barcode, "positive" if i == positive else "negative",
                          28.5 if i == positive else None, 30.1 if i == positive else None,
                          now - dt.timedelta(hours=1), "县疾控中心实验室")
                for i, s in enumerate(resulted)]
        do_import_results(rows, [], new_batch(commander, file_name="demo_results.xlsx", source="demo"))
        refresh_coverage(rnd, acting_user=commander)  # the demo opens on a computed coverage
        return f"核酸 {len(tubes)} 管, {len(rows)} 管出结果"
