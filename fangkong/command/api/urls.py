from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("command/units", views.UnitViewSet, basename="command-unit")
router.register("command/dispatches", views.DispatchViewSet, basename="command-dispatch")
router.register("command/tasks", views.DispatchTaskViewSet, basename="command-task")
router.register("command/reports", views.DailyReportViewSet, basename="command-report")
router.register("command/visits", views.SupervisionVisitViewSet, basename="command-visit")
router.register("command/findings", views.FindingViewSet, basename="command-finding")
router.register("command/shifts", views.DutyShiftViewSet, basename="command-shift")
router.register("command/duty-log", views.DutyLogEntryViewSet, basename="command-dutylog")
