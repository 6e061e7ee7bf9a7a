from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("grid/questionnaires", views.QuestionnaireViewSet, basename="grid-questionnaire")
router.register("grid/sweeps", views.SweepViewSet, basename="grid-sweep")
router.register("grid/visits", views.VisitViewSet, basename="grid-visit")
router.register("grid/answers", views.MemberAnswerViewSet, basename="grid-answer")
