from rest_framework.routers import DefaultRouter

router = DefaultRouter()

# Co-presence (时空伴随), #14 item 6.
from fangkong.tracing import copresence_api as _cp  # noqa: E402

router.register("tracing/copresence/runs", _cp.CoPresenceRunViewSet, basename="tracing-copresencerun")
router.register("tracing/copresence/matches", _cp.CoPresenceMatchViewSet, basename="tracing-copresencematch")
router.register("tracing/records", _cp.RecordIntakeViewSet, basename="tracing-records")
