"""The screening API: every channel and list, scoped by `restrict`, acting through the same actions."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fangkong.core.api.base import ScopedReadOnlyViewSet, ScopedViewSetMixin
from fangkong.core.models import Batch
from fangkong.metrics.screening import push_figures, push_sentence, screening_figures, screening_sentence

from .. import actions
from ..choices import AssistDirection, BoardMetric
from ..filtersets import LeadFilterSet, VerificationFilterSet
from ..imports import public_outcome
from ..intake import LeadInput, chunked, clean_lead, ingest, notify_assignees
from ..models import AssistRequest, DailyClearance, Lead, MergeCandidate, Person, Verification
from ..reports import board_counts, metric_queryset
from ..routing import Router
from . import serializers as s


def _run(fn):
    try:
        return fn()
    except PermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc)) from exc
    except ValidationError as exc:
        raise exceptions.ValidationError(exc.messages) from exc


def _dates(request: Request) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.query_params.get("start") or today.isoformat())
        end = dt.date.fromisoformat(request.query_params.get("end") or today.isoformat())
    except ValueError as exc:
        raise exceptions.ValidationError({"start": "日期格式应为 YYYY-MM-DD"}) from exc
    return start, end


class PersonViewSet(ScopedReadOnlyViewSet):
    """涉疫风险人员 in the user's scope and modules."""

    queryset = Person.objects.all()
    serializer_class = s.PersonSerializer
    filterset_fields = ["status", "module", "division", "id_number", "phone"]


class LeadViewSet(ScopedReadOnlyViewSet):
    """线索 of every channel (lists from other systems come in through `LeadIngestView`)."""

    queryset = Lead.objects.all()
    serializer_class = s.LeadSerializer
    filterset_class = LeadFilterSet



class VerificationViewSet(ScopedReadOnlyViewSet):
    """核查任务; `?metric=` gives the rows behind a board number (with `start`, `end`)."""

    queryset = Verification.objects.all()
    serializer_class = s.VerificationSerializer
    select_related = ("person",)
    filterset_class = VerificationFilterSet

    @extend_schema(parameters=[OpenApiParameter("metric", str, enum=BoardMetric.values),
                               OpenApiParameter("start", str), OpenApiParameter("end", str)])
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        metric = self.request.query_params.get("metric")
        if self.action == "list" and metric in BoardMetric.values and metric != BoardMetric.RECEIVED:
            start, end = _dates(self.request)
            return metric_queryset(metric, self.request.user, start, end).select_related("person")
        return super().get_queryset()


class MergeCandidateViewSet(ScopedReadOnlyViewSet):
    queryset = MergeCandidate.objects.all()
    serializer_class = s.MergeCandidateSerializer
    filterset_fields = ["status"]


class AssistRequestViewSet(ScopedReadOnlyViewSet):
    """协查: `POST` registers an inbound request (it becomes a lead); `reply` answers one."""

    queryset = AssistRequest.objects.all()
    serializer_class = s.AssistRequestSerializer
    filterset_fields = ["direction", "status", "region"]

    @extend_schema(request=s.AssistRequestSerializer, responses=s.AssistRequestSerializer)
    def create(self, request: Request) -> Response:
        body = s.AssistRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        ar = _run(lambda: actions.do_create_assist(
            AssistDirection.INBOUND, region=d["region"], name=d.get("name", ""),
            id_number=d.get("id_number", ""), phone=d.get("phone", ""), address=d.get("address", ""),
            reason=d.get("reason", ""), reference=d.get("reference", ""), due_at=d.get("due_at"),
            acting_user=request.user))
        return Response(s.AssistRequestSerializer(ar, context={"request": request}).data, status=201)

    @extend_schema(request=s.ReplyInSerializer, responses=s.AssistRequestSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk=None) -> Response:
        body = s.ReplyInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ar = self.get_object()
        ar = _run(lambda: actions.do_reply_assist(ar, body.validated_data["reply"], acting_user=request.user))
        return Response(s.AssistRequestSerializer(ar, context={"request": request}).data)


class DailyClearanceViewSet(ScopedReadOnlyViewSet):
    queryset = DailyClearance.objects.all()
    serializer_class = s.DailyClearanceSerializer
    filterset_fields = ["date", "division"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("items")


class BoardView(ScopedViewSetMixin, APIView):
    """`GET /screening/board/{start}/{end}/`: 日清日结 numbers per channel and township, and the two
    001 sentences, for a date range."""

    queryset = Verification.objects.all()

    @extend_schema(parameters=[OpenApiParameter("start", str, OpenApiParameter.PATH, description="YYYY-MM-DD"),
                               OpenApiParameter("end", str, OpenApiParameter.PATH, description="YYYY-MM-DD"),
                               OpenApiParameter("since", str, description="第一句的起始日期,默认同 start")],
                   responses=s.BoardSerializer)
    def get(self, request: Request, start: str, end: str) -> Response:
        try:
            start, end = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        except ValueError as exc:
            raise exceptions.ValidationError({"start": "日期格式应为 YYYY-MM-DD"}) from exc
        since = request.query_params.get("since")
        since_date = dt.date.fromisoformat(since) if since else start
        counts = board_counts(request.user, start, end)
        return Response({
            "start": start, "end": end, "total": counts["total"],
            "channel": counts["channel"], "township": {str(k): v for k, v in counts["township"].items()},
            "sentence_total": screening_sentence(screening_figures(request.user, since_date, end)),
            "sentence_push": push_sentence(push_figures(request.user, start, end)),
        })


class LeadIngestView(ScopedViewSetMixin, APIView):
    """`POST /screening/leads/ingest/`: a list of leads from another system, imported as one batch."""

    queryset = Lead.objects.all()

    @extend_schema(request=s.IngestSerializer, responses={201: s.BatchOutcomeSerializer})
    def post(self, request: Request) -> Response:
        body = s.IngestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = request.user
        if not Batch.scope_roles["add"] & user.role_names:
            raise exceptions.PermissionDenied("没有导入线索的权限")
        d = body.validated_data
        batch = Batch.objects.create(kind="leads", channel=d["channel"], source=d["source"], file_name="api",
                                     division=user.division, created_by=user)
        good: list[LeadInput] = []
        for number, raw in enumerate(d["rows"], start=1):
            try:
                item = clean_lead(raw, channel=d["channel"], source=d["source"])
            except Exception as exc:  # InvalidValue: reported per row, the others are kept
                batch.errors.append({"row": number, "reason": str(exc)})
                continue
            item.row = number
            good.append(item)
        router = Router.load()
        for chunk in chunked(good):
            result = ingest(chunk, channel=d["channel"], batch=batch, router=router)
            batch.imported += result.created
            batch.duplicates += result.duplicates
            notify_assignees(result.assigned, d["channel"])
        batch.rows = batch.processed = len(d["rows"])
        batch.rejected, batch.status, batch.finished_at = len(batch.errors), "done", timezone.now()
        batch.save()
        return Response(public_outcome(batch), status=status.HTTP_201_CREATED)




VERIFICATION_ACTIONS = {
    "attempt": (s.AttemptInSerializer, lambda u, v, d: actions.do_record_attempt(v, d["kind"], d["note"], acting_user=u)),
    "outcome": (s.OutcomeInSerializer, lambda u, v, d: actions.do_submit_outcome(
        v, d["outcome"], measure_kind=d["measure_kind"], reason=d["reason"], place=d["place"],
        request_assist=d["request_assist"], acting_user=u)),
    "review": (s.ReviewInSerializer, lambda u, v, d: actions.do_review(v, d["decision"], d["comment"], acting_user=u)),
}


class VerificationActionView(ScopedViewSetMixin, APIView):
    """`POST /screening/verifications/{id}/attempt|outcome|review/`: the task's actions."""

    queryset = Verification.objects.all()
    verb = "attempt"

    def post(self, request: Request, pk: int) -> Response:
        body_class, fn = VERIFICATION_ACTIONS[self.verb]
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        v = get_object_or_404(Verification.objects.restrict(request.user), pk=pk)
        _run(lambda: fn(request.user, v, body.validated_data))
        v.refresh_from_db()
        return Response(s.VerificationSerializer(v).data)


def verification_action(verb: str):
    body_class = VERIFICATION_ACTIONS[verb][0]
    view = type(f"Verification{verb.title()}View", (VerificationActionView,), {"verb": verb})
    view.post = extend_schema(request=body_class, responses=s.VerificationSerializer)(view.post)
    return view.as_view()


class MergeActionView(ScopedViewSetMixin, APIView):
    """`POST /screening/merge-candidates/{id}/merge|unmerge/`: merge two persons, or undo it."""

    queryset = MergeCandidate.objects.all()
    merge = True

    @extend_schema(request=None, responses=s.MergeCandidateSerializer)
    def post(self, request: Request, pk: int) -> Response:
        c = get_object_or_404(MergeCandidate.objects.restrict(request.user, "change"), pk=pk)
        fn = actions.do_merge if self.merge else actions.do_unmerge
        c = _run(lambda: fn(c, acting_user=request.user))
        return Response(s.MergeCandidateSerializer(c).data)
