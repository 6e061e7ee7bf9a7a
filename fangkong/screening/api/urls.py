from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import (
    AssistRequestViewSet,
    BoardView,
    DailyClearanceViewSet,
    LeadViewSet,
    MergeCandidateViewSet,
    PersonViewSet,
    VerificationViewSet,
)

router = SimpleRouter()
router.register("screening/persons", PersonViewSet, basename="screening-person")
router.register("screening/leads", LeadViewSet, basename="screening-lead")
router.register("screening/verifications", VerificationViewSet, basename="screening-verification")
router.register("screening/merge-candidates", MergeCandidateViewSet, basename="screening-mergecandidate")
router.register("screening/assist-requests", AssistRequestViewSet, basename="screening-assistrequest")
router.register("screening/clearances", DailyClearanceViewSet, basename="screening-clearance")

urlpatterns = [path("screening/board/", BoardView.as_view(), name="screening-board"), *router.urls]
