from rest_framework.routers import DefaultRouter

from .views import HouseholdViewSet, ResidentViewSet

router = DefaultRouter()
router.register("residents", ResidentViewSet, basename="resident")
router.register("households", HouseholdViewSet, basename="household")
