"""The screening API: every channel and list, scoped by `restrict`, acting through the same actions."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fangkong.core.api.base import ScopedReadOnlyViewSet, ScopedViewSetMixin
from fangkong.core.errors import api_call
from fangkong.core.imports import batch_result, execute_batch
from fangkong.metrics.screening import push_figures, push_sentence, screening_figures, screening_sentence

from .. import actions
from ..choices import AssistDirection
from ..filtersets import BY_DEADLINE, LeadFilterSet, VerificationFilterSet
from ..imports import create_lead_batch, run_lead_import
from ..models import AssistRequest, DailyClearance, Lead, MergeCandidate, Person, Verification
from ..reports import board_counts
from . import serializers as s


def _run(fn):
    """Run an action; errors mapped once by `core.errors` (400 with the Chinese messages, 403, 404)."""
    return api_call(fn)


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
    """核查任务; `?metric=` gives the rows behind a board number (with `start`, `end`); the filters
    are the list page's (`VerificationFilterSet`)."""

    queryset = Verification.objects.all()
    serializer_class = s.VerificationSerializer
    select_related = ("person",)
    filterset_class = VerificationFilterSet

    def get_queryset(self):
        return super().get_queryset().order_by(*BY_DEADLINE)


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
        d = body.validated_data
        # The same route as a file: the one batch lifecycle, the lead engine, the one JSON result.
        batch = create_lead_batch(data=None, file_name="api", channel=d["channel"], source=d["source"],
                                  user=request.user)
        rows = list(enumerate(d["rows"], start=1))
        execute_batch(batch, runner=lambda b, _data: run_lead_import(b, rows=rows))
        batch.refresh_from_db()
        return Response(batch_result(batch), status=status.HTTP_201_CREATED)




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

    # A function of its own per verb: extend_schema marks the function it decorates, so decorating
    # the inherited `post` would give all three actions the last verb's body in the schema.
    def post(self, request: Request, pk: int) -> Response:
        return VerificationActionView.post(self, request, pk)

    post = extend_schema(request=body_class, responses=s.VerificationSerializer)(post)
    view = type(f"Verification{verb.title()}View", (VerificationActionView,), {"verb": verb, "post": post})
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
