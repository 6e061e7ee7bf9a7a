"""API of cases and tracing: the same scoping, filtersets and audited actions as the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from fangkong.core.api.base import ScopedModelViewSet, ScopedReadOnlyViewSet, ScopedViewSetMixin
from fangkong.core.errors import api_call

from .. import actions
from ..filtersets import (
    CaseFilterSet,
    ContactFilterSet,
    InvestigationFilterSet,
    PositiveFindingFilterSet,
    ProtocolVersionFilterSet,
)
from ..models import Case, Contact, Investigation, Milestone, PositiveFinding, ProtocolVersion, Segment
from . import serializers as S


def _input(request, serializer_class) -> dict:
    ser = serializer_class(data=request.data)
    ser.is_valid(raise_exception=True)
    return dict(ser.validated_data)


def _drf(exc: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


class ProtocolVersionViewSet(ScopedModelViewSet):
    """方案版本; `categories` sets what a category gets (drafts), `activate` puts it in force."""

    queryset = ProtocolVersion.objects.all()
    serializer_class = S.ProtocolVersionSerializer
    filterset_class = ProtocolVersionFilterSet

    def get_queryset(self):
        return super().get_queryset().prefetch_related("categories")

    @extend_schema(request=S.CategoryInputSerializer, responses=S.ProtocolVersionSerializer)
    @action(detail=True, methods=["post"])
    def categories(self, request, pk=None):
        version = self.get_object()
        d = _input(request, S.CategoryInputSerializer)
        api_call(actions.do_save_category, version, d.pop("category"), acting_user=request.user, **d)
        return Response(S.ProtocolVersionSerializer(version, context={"request": request}).data)

    @extend_schema(request=None, responses=S.ProtocolVersionSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        version = api_call(actions.do_activate_protocol, self.get_object(), acting_user=request.user)
        return Response(S.ProtocolVersionSerializer(version, context={"request": request}).data)


class CaseViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                  mixins.ListModelMixin, viewsets.GenericViewSet):
    """病例 in scope; POST opens a case (立案) with its investigation; `classify` reclassifies."""

    queryset = Case.objects.all()
    serializer_class = S.CaseSerializer
    filterset_class = CaseFilterSet
    select_related = ("investigation",)

    def get_queryset(self):
        return super().get_queryset().prefetch_related("classifications")

    def perform_create(self, serializer) -> None:
        try:
            serializer.instance = actions.do_open_case(acting_user=self.request.user, **serializer.validated_data)
        except DjangoValidationError as exc:
            raise _drf(exc) from exc

    def perform_update(self, serializer) -> None:
        try:
            serializer.instance = actions.do_update_case(serializer.instance, acting_user=self.request.user,
                                                         **serializer.validated_data)
        except DjangoValidationError as exc:
            raise _drf(exc) from exc

    @extend_schema(request=S.ClassifyInputSerializer, responses=S.CaseSerializer)
    @action(detail=True, methods=["post"])
    def classify(self, request, pk=None):
        case = api_call(actions.do_classify_case, self.get_object(), acting_user=request.user,
                        **_input(request, S.ClassifyInputSerializer))
        return Response(S.CaseSerializer(case, context={"request": request}).data)


class PositiveFindingViewSet(ScopedReadOnlyViewSet):
    """阳性待立案 in scope."""

    queryset = PositiveFinding.objects.all()
    serializer_class = S.PositiveFindingSerializer
    filterset_class = PositiveFindingFilterSet


class InvestigationViewSet(ScopedReadOnlyViewSet):
    """流调 in scope, with milestones and itinerary; POST actions record what the epidemiologist finds."""

    queryset = Investigation.objects.all()
    serializer_class = S.InvestigationSerializer
    filterset_class = InvestigationFilterSet
    select_related = ("case",)

    def get_queryset(self):
        return super().get_queryset().prefetch_related("milestones", "segments")

    def _reply(self, request, investigation, code=status.HTTP_200_OK):
        investigation = self.get_queryset().get(pk=investigation.pk)
        return Response(S.InvestigationSerializer(investigation, context={"request": request}).data, status=code)

    @extend_schema(request=S.MilestoneInputSerializer, responses=S.InvestigationSerializer)
    @action(detail=True, methods=["post"])
    def milestone(self, request, pk=None):
        investigation = self.get_object()
        kind = _input(request, S.MilestoneInputSerializer)["kind"]
        milestone = Milestone.objects.filter(investigation=investigation, kind=kind).first()
        if milestone is None:
            raise serializers.ValidationError({"kind": ["没有这个流调节点"]})
        api_call(actions.do_complete_milestone, milestone, acting_user=request.user)
        return self._reply(request, investigation)

    @extend_schema(request=S.SegmentSerializer, responses=S.InvestigationSerializer)
    @action(detail=True, methods=["post"])
    def segments(self, request, pk=None):
        investigation = self.get_object()
        d = _input(request, S.SegmentSerializer)
        api_call(actions.do_add_segment, investigation, acting_user=request.user, **d)
        return self._reply(request, investigation, status.HTTP_201_CREATED)

    @extend_schema(request=S.ContactInputSerializer, responses=S.ContactSerializer)
    @action(detail=True, methods=["post"])
    def contacts(self, request, pk=None):
        investigation = self.get_object()
        d = _input(request, S.ContactInputSerializer)
        segment_id, via_id = d.pop("segment"), d.pop("via")
        d["segment"] = Segment.objects.filter(investigation=investigation, pk=segment_id).first() if segment_id else None
        d["via"] = investigation.case.contacts.filter(pk=via_id).first() if via_id else None
        contact, _created = api_call(actions.do_add_contact, investigation.case, acting_user=request.user, **d)
        return Response(S.ContactSerializer(contact, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=S.PublishInputSerializer, responses=S.PublishInputSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        text = api_call(actions.do_publish_itinerary, self.get_object(), acting_user=request.user,
                        **_input(request, S.PublishInputSerializer))
        return Response({"text": text})

    @extend_schema(request=None, responses=S.InvestigationSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        investigation = api_call(actions.do_close_investigation, self.get_object(), acting_user=request.user)
        return self._reply(request, investigation)


class ContactViewSet(ScopedReadOnlyViewSet):
    """接触者 in scope with their current plan; `upgrade` makes a secondary contact a close one."""

    queryset = Contact.objects.all()
    serializer_class = S.ContactSerializer
    filterset_class = ContactFilterSet
    select_related = ("plan__protocol",)

    @extend_schema(request=None, responses=S.ContactSerializer)
    @action(detail=True, methods=["post"])
    def upgrade(self, request, pk=None):
        contact = api_call(actions.do_upgrade_contact, self.get_object(), acting_user=request.user)
        return Response(S.ContactSerializer(contact, context={"request": request}).data)
