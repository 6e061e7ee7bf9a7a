from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("tracing/protocols", views.ProtocolVersionViewSet, basename="tracing-protocol")
router.register("tracing/cases", views.CaseViewSet, basename="tracing-case")
router.register("tracing/positives", views.PositiveFindingViewSet, basename="tracing-positive")
router.register("tracing/investigations", views.InvestigationViewSet, basename="tracing-investigation")
router.register("tracing/contacts", views.ContactViewSet, basename="tracing-contact")
