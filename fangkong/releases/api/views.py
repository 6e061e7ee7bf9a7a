"""API of information release: the same scoping, steps and personal-data check as the pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from fangkong.core.api.base import ScopedReadOnlyViewSet
from fangkong.core.errors import api_call, body_object
from fangkong.core.scoping import CHANGE
from fangkong.tracing.models import Case

from .. import actions
from ..filtersets import ReleaseNoteFilterSet
from ..models import ReleaseNote
from . import serializers as S

REVIEW, APPROVE = actions.REVIEW, actions.APPROVE


def _data(request: Request, serializer_class) -> dict:
    ser = serializer_class(data=request.data)
    ser.is_valid(raise_exception=True)
    return dict(ser.validated_data)


class ReleaseNoteViewSet(ScopedReadOnlyViewSet):
    """发布稿 with their history. POST drafts one; `submit`, `review`, `approve`, `return`,
    `publish` move it on (the personal-data check runs on submit and approve); `correct` drafts a
    correction of a published one."""

    queryset = ReleaseNote.objects.all()
    serializer_class = S.ReleaseNoteSerializer
    filterset_class = ReleaseNoteFilterSet

    def get_queryset(self):
        return super().get_queryset().prefetch_related("events")

    def _note(self, scope: str) -> ReleaseNote:
        return get_object_or_404(ReleaseNote.objects.restrict(self.request.user, scope), pk=self.kwargs["pk"])

    def _answer(self, note: ReleaseNote, code: int = status.HTTP_200_OK) -> Response:
        note = ReleaseNote.objects.prefetch_related("events").get(pk=note.pk)
        return Response(S.ReleaseNoteSerializer(note).data, status=code)

    @extend_schema(request=S.ReleaseDraftInputSerializer, responses={201: S.ReleaseNoteSerializer})
    def create(self, request: Request) -> Response:
        d = _data(request, S.ReleaseDraftInputSerializer)
        case = body_object(Case.objects.restrict(request.user), d["case"], "case") if d.get("case") else None
        note = api_call(
            actions.do_draft_release,
            acting_user=request.user,
            kind=d["kind"],
            title=d["title"],
            body=d["body"],
            case=case,
        )
        return self._answer(note, status.HTTP_201_CREATED)

    @extend_schema(request=S.ReleaseEditInputSerializer, responses={200: S.ReleaseNoteSerializer})
    @action(detail=True, methods=["post"])
    def edit(self, request: Request, pk: str) -> Response:
        d = _data(request, S.ReleaseEditInputSerializer)
        return self._answer(
            api_call(actions.do_edit_release, self._note(CHANGE), acting_user=request.user, **d)
        )

    @extend_schema(request=None, responses={200: S.ReleaseNoteSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        return self._answer(api_call(actions.do_submit_release, self._note(CHANGE), acting_user=request.user))

    @extend_schema(request=S.ReleaseRemarkInputSerializer, responses={200: S.ReleaseNoteSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        d = _data(request, S.ReleaseRemarkInputSerializer)
        return self._answer(
            api_call(actions.do_review_release, self._note(REVIEW), acting_user=request.user, **d)
        )

    @extend_schema(request=S.ReleaseRemarkInputSerializer, responses={200: S.ReleaseNoteSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        d = _data(request, S.ReleaseRemarkInputSerializer)
        return self._answer(
            api_call(actions.do_approve_release, self._note(APPROVE), acting_user=request.user, **d)
        )

    @extend_schema(request=S.ReleaseReturnInputSerializer, responses={200: S.ReleaseNoteSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def send_back(self, request: Request, pk: str) -> Response:
        d = _data(request, S.ReleaseReturnInputSerializer)
        qs = ReleaseNote.objects.restrict(request.user, REVIEW) | ReleaseNote.objects.restrict(
            request.user, APPROVE
        )
        note = get_object_or_404(qs, pk=pk)
        return self._answer(api_call(actions.do_return_release, note, acting_user=request.user, **d))

    @extend_schema(request=None, responses={200: S.ReleaseNoteSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        return self._answer(
            api_call(actions.do_publish_release, self._note(APPROVE), acting_user=request.user)
        )

    @extend_schema(request=S.ReleaseCorrectionInputSerializer, responses={201: S.ReleaseNoteSerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str) -> Response:
        d = _data(request, S.ReleaseCorrectionInputSerializer)
        note = api_call(actions.do_correct_release, self._note("view"), acting_user=request.user, **d)
        return self._answer(note, status.HTTP_201_CREATED)
