from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("command/units", views.UnitViewSet, basename="command-unit")
router.register("command/dispatches", views.DispatchViewSet, basename="command-dispatch")
router.register("command/tasks", views.DispatchTaskViewSet, basename="command-task")
router.register("command/reports", views.DailyReportViewSet, basename="command-report")
