from rest_framework.routers import DefaultRouter

from .views import AuditLogViewSet, DivisionViewSet

router = DefaultRouter()
router.register("divisions", DivisionViewSet, basename="division")
router.register("audit-log", AuditLogViewSet, basename="auditlog")
