from fangkong.core.api.base import ScopedReadOnlyViewSet
from fangkong.registry.models import Household, Resident

from .serializers import HouseholdSerializer, ResidentSerializer


class ResidentViewSet(ScopedReadOnlyViewSet):
    """Residents of the registry in the user's scope; `?full_pii=1` reveals (audited)."""

    queryset = Resident.objects.all()
    serializer_class = ResidentSerializer
    select_related = ("grid",)
    filterset_fields = ["grid", "status", "household", "id_number", "phone"]


class HouseholdViewSet(ScopedReadOnlyViewSet):
    queryset = Household.objects.all()
    serializer_class = HouseholdSerializer
    filterset_fields = ["grid"]
