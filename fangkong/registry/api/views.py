from fangkong.core.api.base import ScopedModelViewSet
from fangkong.registry.filtersets import HouseholdFilterSet, ResidentFilterSet
from fangkong.registry.models import Household, Resident

from .serializers import HouseholdSerializer, ResidentSerializer


class ResidentViewSet(ScopedModelViewSet):
    """Residents of the registry in the user's scope; `?full_pii=1` reveals (audited)."""

    queryset = Resident.objects.all()
    serializer_class = ResidentSerializer
    select_related = ("grid",)
    filterset_class = ResidentFilterSet


class HouseholdViewSet(ScopedModelViewSet):
    """Households of the registry in the user's scope."""

    queryset = Household.objects.all()
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilterSet
