"""API of the tip-offs (群众举报): the list and a tip-off in the caller's scope, the handling
actions (转为线索 / 转为行业检查 / 不属实·重复·已办结) through the same audited actions as the
pages, and the figures (`metrics.tipoffs`)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from fangkong.core.api.base import ScopedReadOnlyViewSet
from fangkong.core.choices import DivisionLevel
from fangkong.core.errors import api_call
from fangkong.core.models import Division
from fangkong.metrics.tipoffs import tipoff_figures
from fangkong.sectors.models import Venue

from .. import actions
from ..filtersets_tipoffs import TipOffFilterSet
from ..models import TipOff
from . import serializers_tipoffs as S


def _input(request, serializer_class) -> dict:
    ser = serializer_class(data=request.data)
    ser.is_valid(raise_exception=True)
    return dict(ser.validated_data)


class TipOffViewSet(ScopedReadOnlyViewSet):
    """群众举报 in scope; the reporter is masked except for the module's admins with `?full_pii=1`."""

    queryset = TipOff.objects.all()
    serializer_class = S.TipOffSerializer
    filterset_class = TipOffFilterSet
    select_related = ("division",)

    def _done(self, request, tip: TipOff) -> Response:
        tip.refresh_from_db()
        return Response(S.TipOffSerializer(tip, context={"request": request, "view": self}).data)

    @extend_schema(request=S.ToLeadInputSerializer, responses=S.TipOffSerializer)
    @action(detail=True, methods=["post"], url_path="to-lead")
    def to_lead(self, request, pk=None):
        tip = self.get_object()
        d = _input(request, S.ToLeadInputSerializer)
        grid_id = d.pop("grid", None)
        grid = get_object_or_404(Division, pk=grid_id, level=DivisionLevel.GRID) if grid_id else None
        api_call(actions.do_tip_off_to_lead, tip, acting_user=request.user, grid=grid, **d)
        return self._done(request, tip)

    @extend_schema(request=S.ToInspectionInputSerializer, responses=S.TipOffSerializer)
    @action(detail=True, methods=["post"], url_path="to-inspection")
    def to_inspection(self, request, pk=None):
        tip = self.get_object()
        d = _input(request, S.ToInspectionInputSerializer)
        venue = get_object_or_404(Venue.objects.restrict(request.user), pk=d.pop("venue"))
        api_call(actions.do_tip_off_to_inspection, tip, acting_user=request.user, venue=venue, **d)
        return self._done(request, tip)

    @extend_schema(request=S.JudgeInputSerializer, responses=S.TipOffSerializer)
    @action(detail=True, methods=["post"])
    def judge(self, request, pk=None):
        tip = self.get_object()
        d = _input(request, S.JudgeInputSerializer)
        api_call(actions.do_judge_tip_off, tip, acting_user=request.user, **d)
        return self._done(request, tip)

    @extend_schema(responses=S.TipOffFiguresSerializer)
    @action(detail=False, methods=["get"])
    def figures(self, request):
        return Response(S.TipOffFiguresSerializer(tipoff_figures(request.user).as_dict()).data)
