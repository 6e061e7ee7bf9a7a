"""API of transmission chains: links between cases (create, change, delete through the audited
actions), clusters with their cases, frozen snapshots, and the chain graph under filters.
Scoped like the pages: a township sees only links whose two cases are its own."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from fangkong.core import actions as core_actions
from fangkong.core.api.base import ScopedModelSerializer, ScopedModelViewSet, ScopedViewSetMixin
from fangkong.core.errors import api_call
from fangkong.core.scoping import VIEW

from . import actions
from .chain_tables import ChainSnapshotFilterSet, ClusterFilterSet, TransmissionEdgeFilterSet
from .chains import chain_graph, parse_filters
from .models import Case, ChainSnapshot, Cluster, TransmissionEdge


def _drf(exc: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


class TransmissionEdgeSerializer(ScopedModelSerializer):
    source_code = serializers.CharField(source="source.code", read_only=True)
    target_code = serializers.CharField(source="target.code", read_only=True)

    class Meta:
        model = TransmissionEdge
        fields = [
            "id",
            "source",
            "target",
            "source_code",
            "target_code",
            "certainty",
            "exposure",
            "evidence",
            "exposed_on",
            "created_at",
        ]


class TransmissionEdgeUpdateSerializer(TransmissionEdgeSerializer):
    class Meta(TransmissionEdgeSerializer.Meta):
        read_only_fields = ["source", "target"]


class ClusterSerializer(ScopedModelSerializer):
    cases = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Cluster
        fields = [
            "id",
            "code",
            "name",
            "division",
            "note",
            "first_onset_on",
            "last_onset_on",
            "cases",
            "created_at",
        ]


class ClusterCasesInputSerializer(serializers.Serializer):
    add = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=5000
    )
    remove = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=5000
    )


class ChainFilterSerializer(serializers.Serializer):
    cluster = serializers.IntegerField(required=False, min_value=1)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    township = serializers.IntegerField(required=False, min_value=1)


class ChainSnapshotSerializer(serializers.ModelSerializer):
    filters = ChainFilterSerializer(required=False)

    class Meta:
        model = ChainSnapshot
        fields = [
            "id",
            "title",
            "division",
            "filters",
            "node_count",
            "edge_count",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["division", "node_count", "edge_count", "created_by", "created_at"]


class ChainNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    cls = serializers.CharField()
    cls_label = serializers.CharField()
    onset = serializers.DateField(allow_null=True)
    by_onset = serializers.BooleanField()
    township = serializers.CharField()
    township_name = serializers.CharField(allow_blank=True)
    gen = serializers.IntegerField()
    chain = serializers.IntegerField()
    clusters = serializers.ListField(child=serializers.IntegerField())
    url = serializers.CharField()


class ChainEdgeSerializer(serializers.Serializer):
    source = serializers.IntegerField()
    target = serializers.IntegerField()
    certainty = serializers.CharField()
    certainty_label = serializers.CharField()
    exposure = serializers.CharField()
    exposure_label = serializers.CharField()


class ChainGraphSerializer(serializers.Serializer):
    nodes = ChainNodeSerializer(many=True)
    edges = ChainEdgeSerializer(many=True)
    clusters = serializers.ListField(child=serializers.DictField())
    townships = serializers.ListField(child=serializers.DictField())
    counts = serializers.DictField()


class ChainSnapshotDetailSerializer(ChainSnapshotSerializer):
    data = ChainGraphSerializer(read_only=True)

    class Meta(ChainSnapshotSerializer.Meta):
        fields = [*ChainSnapshotSerializer.Meta.fields, "data"]


class TransmissionEdgeViewSet(ScopedModelViewSet):
    """传播关系 with both cases in scope; writes through do_link_cases / do_update_link / do_unlink_cases.
    `graph` returns the chain (nodes, edges, generations, counts) under the chain page's filters."""

    queryset = TransmissionEdge.objects.all()
    serializer_class = TransmissionEdgeSerializer
    filterset_class = TransmissionEdgeFilterSet
    select_related = ("source", "target")

    def get_serializer_class(self):
        return (
            TransmissionEdgeUpdateSerializer
            if self.action in ("update", "partial_update")
            else TransmissionEdgeSerializer
        )

    def perform_create(self, serializer) -> None:
        d = dict(serializer.validated_data)
        try:
            serializer.instance = actions.do_link_cases(d.pop("target"), acting_user=self.request.user, **d)
        except DjangoValidationError as exc:
            raise _drf(exc) from exc

    def perform_update(self, serializer) -> None:
        try:
            serializer.instance = actions.do_update_link(
                serializer.instance, acting_user=self.request.user, **serializer.validated_data
            )
        except DjangoValidationError as exc:
            raise _drf(exc) from exc

    def perform_destroy(self, instance) -> None:
        actions.do_unlink_cases(instance, acting_user=self.request.user)

    @extend_schema(
        parameters=[
            OpenApiParameter("cluster", int, description="聚集性疫情 id"),
            OpenApiParameter("date_from", str),
            OpenApiParameter("date_to", str),
            OpenApiParameter("township", int, description="乡镇（街道）区划 id"),
        ],
        responses=ChainGraphSerializer,
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def graph(self, request):
        try:
            filters = parse_filters(request.query_params, request.user)
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(chain_graph(request.user, **filters))


class ClusterViewSet(ScopedModelViewSet):
    """聚集性疫情 in scope; `cases` adds or removes cases (do_set_cluster_cases)."""

    queryset = Cluster.objects.all()
    serializer_class = ClusterSerializer
    filterset_class = ClusterFilterSet
    select_related = ("division",)

    def get_queryset(self):
        return super().get_queryset().prefetch_related("cases")

    def perform_create(self, serializer) -> None:
        try:
            serializer.instance = core_actions.do_create(
                Cluster, verb="create_cluster", acting_user=self.request.user, **serializer.validated_data
            )
        except DjangoValidationError as exc:
            raise _drf(exc) from exc

    def perform_update(self, serializer) -> None:
        try:
            serializer.instance = core_actions.do_update(
                serializer.instance,
                verb="update_cluster",
                acting_user=self.request.user,
                **serializer.validated_data,
            )
        except DjangoValidationError as exc:
            raise _drf(exc) from exc

    def perform_destroy(self, instance) -> None:
        core_actions.do_delete(instance, verb="delete_cluster", acting_user=self.request.user)

    @extend_schema(request=ClusterCasesInputSerializer, responses=ClusterSerializer)
    @action(detail=True, methods=["post"])
    def cases(self, request, pk=None):
        cluster = self.get_object()
        ser = ClusterCasesInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        visible = Case.objects.restrict(request.user, VIEW)
        picked = {}
        for key in ("add", "remove"):
            ids = set(ser.validated_data[key])
            picked[key] = list(visible.filter(pk__in=ids))
            if len(picked[key]) != len(ids):
                raise serializers.ValidationError({key: ["病例不存在或不在您的管辖范围内"]})
        api_call(actions.do_set_cluster_cases, cluster, acting_user=request.user, **picked)
        cluster = self.get_queryset().get(pk=cluster.pk)
        return Response(ClusterSerializer(cluster, context={"request": request}).data)


class ChainSnapshotViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """传播链快照 in scope, read-only once made; POST freezes the chain under `filters` (do_freeze_chain)."""

    queryset = ChainSnapshot.objects.all()
    serializer_class = ChainSnapshotSerializer
    filterset_class = ChainSnapshotFilterSet

    def get_serializer_class(self):
        return ChainSnapshotDetailSerializer if self.action == "retrieve" else ChainSnapshotSerializer

    def perform_create(self, serializer) -> None:
        d = serializer.validated_data
        try:
            serializer.instance = actions.do_freeze_chain(
                title=d["title"], filters=dict(d.get("filters") or {}), acting_user=self.request.user
            )
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
