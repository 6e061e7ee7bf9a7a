"""One router for the whole API; each app registers its viewsets in its api/urls.py."""

from django.urls import include, path

from fangkong.command.api.urls import router as command_router
from fangkong.control.api.urls import router as control_router
from fangkong.core.api.urls import router as core_router
from fangkong.grid.api.urls import router as grid_router
from fangkong.registry.api.urls import router as registry_router
from fangkong.releases.api.urls import router as releases_router
from fangkong.screening.api.urls import urlpatterns as screening_api
from fangkong.sectors.api.urls import router as sectors_router
from fangkong.supplies.api.urls import router as supplies_router
from fangkong.supplies.api.urls import urlpatterns as supplies_api
from fangkong.testing.api.urls import urlpatterns as testing_api
from fangkong.tracing.api.urls import router as tracing_router

urlpatterns = [
    path("", include(core_router.urls)),
    path("", include(registry_router.urls)),
    path("", include(screening_api)),
    path("", include(control_router.urls)),
    path("", include(testing_api)),
    path("", include(grid_router.urls)),
    path("", include(sectors_router.urls)),
    path("", include(tracing_router.urls)),
    path("", include(command_router.urls)),
    path("", include(supplies_api)),
    path("", include(supplies_router.urls)),
    path("", include(releases_router.urls)),
]
