from rest_framework.routers import DefaultRouter

from .views import (
    CoverageGapViewSet,
    CoverageViewSet,
    PlanningViewSet,
    ResamplingTaskViewSet,
    ResultUploadViewSet,
    SampleViewSet,
    SamplingRoundViewSet,
    SamplingSiteViewSet,
)

router = DefaultRouter()
router.register("testing/sites", SamplingSiteViewSet, basename="testing-site")
router.register("testing/rounds", SamplingRoundViewSet, basename="testing-round")
router.register("testing/samples", SampleViewSet, basename="testing-sample")
router.register("testing/coverage", CoverageViewSet, basename="testing-coverage")
router.register("testing/gaps", CoverageGapViewSet, basename="testing-gap")
router.register("testing/resampling", ResamplingTaskViewSet, basename="testing-resampling")
router.register("testing/results", ResultUploadViewSet, basename="testing-results")
router.register("testing/planning", PlanningViewSet, basename="testing-planning")
