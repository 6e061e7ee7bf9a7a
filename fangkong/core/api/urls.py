from rest_framework.routers import DefaultRouter

from .views import AuditLogViewSet, BatchViewSet, DivisionViewSet

router = DefaultRouter()
router.register("divisions", DivisionViewSet, basename="division")
router.register("audit-log", AuditLogViewSet, basename="auditlog")
router.register("batches", BatchViewSet, basename="batch")
