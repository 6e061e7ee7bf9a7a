from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
for prefix, viewset, basename in (
    ("sites", views.SamplingSiteViewSet, "testing-site"),
    ("rounds", views.SamplingRoundViewSet, "testing-round"),
    ("samples", views.SampleViewSet, "testing-sample"),
    ("samplings", views.SamplingViewSet, "testing-sampling"),
    ("coverage", views.CoverageViewSet, "testing-coverage"),
    ("gaps", views.CoverageGapViewSet, "testing-gap"),
    ("resampling", views.ResamplingTaskViewSet, "testing-resampling"),
    ("exemptions", views.ExemptionViewSet, "testing-exemption"),
    ("miss-records", views.MissRecordViewSet, "testing-miss-record"),
    ("unmatched-results", views.UnmatchedResultViewSet, "testing-unmatched-result"),
    ("key-groups", views.KeyGroupViewSet, "testing-key-group"),
    ("key-group-members", views.KeyGroupMemberViewSet, "testing-key-group-member"),
    ("household-weeks", views.HouseholdWeekViewSet, "testing-household-week"),
):
    router.register(f"testing/{prefix}", viewset, basename=basename)

urlpatterns = [
    path("testing/results/", views.ResultUploadView.as_view(), name="testing-results"),
    path("testing/planning/", views.PlanningView.as_view(), name="testing-planning"),
    *router.urls,
]
