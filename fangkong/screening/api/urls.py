from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import (
    AssistRequestViewSet,
    BoardView,
    DailyClearanceViewSet,
    LeadIngestView,
    LeadViewSet,
    MergeActionView,
    MergeCandidateViewSet,
    PersonViewSet,
    VerificationViewSet,
    verification_action,
)

router = SimpleRouter()
router.register("screening/persons", PersonViewSet, basename="screening-person")
router.register("screening/leads", LeadViewSet, basename="screening-lead")
router.register("screening/verifications", VerificationViewSet, basename="screening-verification")
router.register("screening/merge-candidates", MergeCandidateViewSet, basename="screening-mergecandidate")
router.register("screening/assist-requests", AssistRequestViewSet, basename="screening-assistrequest")
router.register("screening/clearances", DailyClearanceViewSet, basename="screening-clearance")

urlpatterns = [
    path("screening/board/", BoardView.as_view(), name="screening-board"),
    path("screening/leads/ingest/", LeadIngestView.as_view(), name="screening-lead-ingest"),
    *[path(f"screening/verifications/<int:pk>/{verb}/", verification_action(verb), name=f"screening-verification-{verb}")
      for verb in ("attempt", "outcome", "review")],
    path("screening/merge-candidates/<int:pk>/merge/", MergeActionView.as_view(merge=True),
         name="screening-mergecandidate-merge"),
    path("screening/merge-candidates/<int:pk>/unmerge/", MergeActionView.as_view(merge=False),
         name="screening-mergecandidate-unmerge"),
    *router.urls,
]
