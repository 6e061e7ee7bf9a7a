"""离线填报: the grid worker's phone pages as an installable web app that works without signal.

The app shell (`/grid/offline/`), its service worker (served here so that its scope is the app's
path and nothing else) and manifest; the worker's own data snapshot (their households of open
sweeps and their open tasks, nothing of other grids); and the one endpoint the phone's queue
sends its answers to, each with its idempotency key (`actions.do_apply_offline_answer`).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from fangkong.control.actions.common import HOME_KINDS
from fangkong.control.choices import DoorCheckOutcome, MeasureStatus
from fangkong.control.models import DoorCheck, Measure
from fangkong.core.pii import mask_id_number, mask_phone
from fangkong.core.scoping import CHANGE
from fangkong.registry.models import Resident
from fangkong.screening.choices import AttemptKind, Stage, VerificationStatus
from fangkong.screening.models import Verification

from .. import actions
from ..choices import UNVISITED, OfflineKind, OfflineResult, SweepStatus, VisitStatus
from ..models import MemberAnswer, Visit
from ..roles import WALKERS
from .walk import LIVING

SCOPE = "/grid/offline/"
MAX_VISITS, MAX_TASKS = 3000, 500
STATUS = {OfflineResult.DONE: 200, OfflineResult.CONFLICT: 409, OfflineResult.INVALID: 422}


def _refuse(request: HttpRequest) -> JsonResponse | None:
    """JSON, never the login page's HTML: the phone keeps its queue and asks to log in again."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": _("登录已失效，请重新登录后上传")}, status=401)
    if not request.user.has_role(*WALKERS):
        return JsonResponse({"detail": _("离线填报仅供网格员使用")}, status=403)
    return None


class _WalkerPage(View):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        if not request.user.has_role(*WALKERS):
            raise PermissionDenied(_("离线填报仅供网格员使用"))
        return super().dispatch(request, *args, **kwargs)


@method_decorator(never_cache, name="dispatch")
class OfflineAppView(_WalkerPage):
    """The app shell: the same page for every worker (their data comes from the snapshot), cached
    by the service worker and shown from it without signal."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "grid/offline/app.html", {"scope": SCOPE, "text": app_text()})


def app_text() -> dict[str, str]:
    """The app's words, translated here (the page's script has no catalogue of its own)."""
    return {
        "pending": _("待上传 %(n)s 条"), "online": _("在线"), "offline": _("无网络，填报将保存在手机上"),
        "sweeps": _("我的排摸"), "tasks": _("我的核查任务"), "left": _("还剩 %(n)s 户 / 共 %(total)s 户"),
        "no_sweeps": _("暂无进行中的排摸"), "no_tasks": _("暂无待核查任务"), "home": _("离线填报"),
        "unchanged": _("无异常"), "fill": _("有变化或有风险，逐项填写"), "record": _("登记"),
        "phone": _("联系电话（有变化时填写）"), "recorded": _("已登记"), "queued": _("待上传"),
        "not_home": _("不在家"), "refused": _("拒绝排摸"), "to_walk": _("待走访"), "walked": _("已走访"),
        "no_members": _("台账中该户没有在册人员"), "all_walked": _("本轮排摸的户已全部走访"),
        "attempt": _("记录联系情况"), "note": _("说明"), "stage_done": _("已%(stage)s"), "save": _("记录"),
        "ack": _("知道了"), "retry": _("暂时无法上传，稍后自动重试"), "refused_answer": _("未能保存"),
        "logout_pending": _("还有 %(n)s 条填报未上传，退出将清除手机上的数据。确定退出？"),
        "other_user": _("由其他账号在本机记录，未上传"), "loading_failed": _("尚未下载数据，请在有网络时打开本页"),
        "door": _("上门查看"), "checked_today": _("今日已查看"), "no_measures": _("暂无需上门查看的管控对象"),
        "until": _("解除日期"),
        "due": _("时限"), "members": _("成员%(n)s人"), "back": _("返回"), "saved_at": _("数据更新于"),
    }


class ServiceWorkerView(View):
    """The service worker's script, at the app's path so its scope is the app alone."""

    def get(self, request: HttpRequest) -> HttpResponse:
        response = render(request, "grid/offline/sw.js", {"scope": SCOPE, "version": _shell_version()},
                          content_type="application/javascript; charset=utf-8")
        response["Cache-Control"] = "no-cache"
        return response


class ManifestView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "grid/offline/manifest.webmanifest", {"scope": SCOPE},
                      content_type="application/manifest+json; charset=utf-8")


def _shell_version() -> str:
    from django.contrib.staticfiles.storage import staticfiles_storage

    # The hashed name changes with the app's code (manifest storage), so a new release re-caches.
    return staticfiles_storage.url("offline/app.js").rsplit("/", 1)[-1]


@method_decorator(never_cache, name="dispatch")
class SnapshotView(View):
    """The worker's own data for the phone: households of open sweeps with their living members,
    and their open tasks. Only what `restrict(user, CHANGE)` gives and is assigned to them."""

    def get(self, request: HttpRequest) -> JsonResponse:
        if refused := _refuse(request):
            return refused
        user = request.user
        return JsonResponse({"user": user.pk, "username": user.get_username(), "csrf": get_token(request),
                             "at": timezone.now().isoformat(), **sweeps_of(user), "tasks": tasks_of(user),
                             "measures": measures_of(user), "attempt_kinds": AttemptKind.choices,
                             "stages": Stage.choices, "door_outcomes": DoorCheckOutcome.choices})


def sweeps_of(user: Any) -> dict[str, Any]:
    visits = list(Visit.objects.restrict(user, CHANGE)
                  .filter(Q(assignee=user) | Q(assignee__isnull=True), sweep__status=SweepStatus.OPEN)
                  .select_related("household", "sweep__questionnaire").order_by("sweep_id", "grid_id", "address", "id")[:MAX_VISITS])
    ids = [v.household_id for v in visits]
    members: dict[int, list[dict[str, Any]]] = {}
    for r in Resident.objects.restrict(user).filter(household_id__in=ids, status__in=LIVING).order_by("id"):
        members.setdefault(r.household_id, []).append({
            "id": r.pk, "name": r.name, "relation": r.relation_to_head, "status": r.get_status_display(),
            "away_to": r.away_to, "phone": mask_phone(r.phone), "id_number": mask_id_number(r.id_number)})
    done = set(MemberAnswer.objects.filter(visit__in=[v.pk for v in visits], resident__isnull=False)
               .values_list("visit_id", "resident_id"))
    sweeps: dict[int, dict[str, Any]] = {}
    for v in visits:
        s = v.sweep
        sweeps.setdefault(s.pk, {"id": s.pk, "name": s.name, "due_at": s.due_at.isoformat(),
                                 "questions": s.questionnaire.questions})
    out = [{"id": v.pk, "sweep": v.sweep_id, "address": v.address or v.household.code,
            "head": v.household.head_name, "status": v.status, "status_label": v.get_status_display(),
            "open": v.status in UNVISITED, "attempts": v.attempts,
            "members": [{**m, "done": (v.pk, m["id"]) in done} for m in members.get(v.household_id, [])]}
           for v in visits]
    return {"sweeps": list(sweeps.values()), "visits": out,
            "closed_statuses": [VisitStatus.REFUSED.value, VisitStatus.UNMET.value]}


def tasks_of(user: Any) -> list[dict[str, Any]]:
    qs = (Verification.objects.restrict(user, CHANGE).filter(assignee=user).exclude(status=VerificationStatus.CLOSED)
          .select_related("person").order_by("next_due_at", "id")[:MAX_TASKS])
    return [{"id": t.pk, "name": t.person.name, "phone": mask_phone(t.person.phone), "address": t.person.address,
             "channel": t.get_channel_display(), "status": t.get_status_display(),
             "open": t.status == VerificationStatus.OPEN,
             "due": t.next_due_at.isoformat() if t.next_due_at else None,
             "stages_done": [s for s in Stage.values if getattr(t, f"{s}_at")]} for t in qs]


def measures_of(user: Any) -> list[dict[str, Any]]:
    """Home measures in force the worker is responsible for: their 上门查看 round."""
    qs = list(Measure.objects.restrict(user, CHANGE).filter(responsible=user, status=MeasureStatus.ACTIVE,
                                                             kind__in=HOME_KINDS)
              .select_related("person").order_by("ends_on", "id")[:MAX_TASKS])
    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    checked = set(DoorCheck.objects.filter(measure__in=qs, at__gte=start).values_list("measure_id", flat=True))
    return [{"id": m.pk, "name": m.person.name, "address": m.person.address, "kind": m.get_kind_display(),
             "ends_on": m.ends_on.isoformat(), "checked_today": m.pk in checked} for m in qs]


class AnswerView(View):
    """POST one queued answer (JSON). 200: saved (now or the first time: `replayed`); 409: a
    conflict, 422: refused, each with its Chinese reason, the same for every replay of the key."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> JsonResponse:
        if refused := _refuse(request):
            return refused
        try:
            answer = parse_answer(json.loads(request.body or b"{}"))
        except (ValueError, TypeError, KeyError) as exc:
            return JsonResponse({"detail": str(exc) or _("填报内容无效")}, status=400)
        try:
            sub, applied = actions.do_apply_offline_answer(answer, acting_user=request.user)
        except PermissionDenied as exc:
            return JsonResponse({"detail": str(exc)}, status=403)
        return JsonResponse({"key": str(sub.key), "result": sub.result, "message": sub.message,
                             "object_id": sub.object_id, "replayed": not applied}, status=STATUS[sub.result])


def parse_answer(data: Any) -> actions.OfflineAnswer:
    if not isinstance(data, dict):
        raise ValueError(_("填报内容无效"))
    try:
        key = uuid.UUID(str(data.get("key", "")))
    except ValueError as exc:
        raise ValueError(_("缺少有效的填报编号")) from exc
    if data.get("kind") not in OfflineKind.values:
        raise ValueError(_("填报类别无效"))
    answers = data.get("answers") or {}
    if not isinstance(answers, dict):
        raise ValueError(_("回答格式无效"))
    recorded = parse_datetime(str(data.get("recorded_at") or "")) if data.get("recorded_at") else None
    now = timezone.now()
    if recorded is not None and (timezone.is_naive(recorded) or not now - dt.timedelta(days=30) <= recorded <= now):
        recorded = None  # a phone clock far off: the server's time
    resident = data.get("resident")
    return actions.OfflineAnswer(
        key=key, kind=data["kind"], target=int(data["target"]), resident=int(resident) if resident else None,
        unchanged=bool(data.get("unchanged")), answers=answers, phone=str(data.get("phone") or "")[:20],
        note=str(data.get("note") or "")[:255], choice=str(data.get("choice") or ""), recorded_at=recorded)
