from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("tracing/protocols", views.ProtocolVersionViewSet, basename="tracing-protocol")
router.register("tracing/cases", views.CaseViewSet, basename="tracing-case")
router.register("tracing/positives", views.PositiveFindingViewSet, basename="tracing-positive")
router.register("tracing/investigations", views.InvestigationViewSet, basename="tracing-investigation")
router.register("tracing/contacts", views.ContactViewSet, basename="tracing-contact")

# Co-presence (时空伴随), #14 item 6.
from fangkong.tracing import copresence_api as _cp  # noqa: E402

router.register("tracing/copresence/runs", _cp.CoPresenceRunViewSet, basename="tracing-copresencerun")
router.register("tracing/copresence/matches", _cp.CoPresenceMatchViewSet, basename="tracing-copresencematch")
router.register("tracing/records", _cp.RecordIntakeViewSet, basename="tracing-records")

# Transmission chains (传播链), #14 item 5.
from fangkong.tracing import chain_api as _chains  # noqa: E402

router.register("tracing/links", _chains.TransmissionEdgeViewSet, basename="tracing-link")
router.register("tracing/clusters", _chains.ClusterViewSet, basename="tracing-cluster")
router.register("tracing/chain-snapshots", _chains.ChainSnapshotViewSet, basename="tracing-chainsnapshot")
