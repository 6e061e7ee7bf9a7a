from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("control/risk-areas", views.RiskAreaViewSet, basename="control-riskarea")
router.register("control/policies", views.PolicyVersionViewSet, basename="control-policy")
router.register("control/measures", views.MeasureViewSet, basename="control-measure")
router.register("control/tests", views.ScheduledTestViewSet, basename="control-test")
router.register("control/sites", views.QuarantineSiteViewSet, basename="control-site")
router.register("control/rooms", views.RoomViewSet, basename="control-room")
router.register("control/transfers", views.TransferViewSet, basename="control-transfer")
