from django.contrib import admin
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from fangkong.core import views as core_views


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links; answer with our own static icon."""
    return redirect(staticfiles_storage.url("favicon.ico"), permanent=True)


urlpatterns = [
    path("favicon.ico", favicon),
    path("", core_views.HomeView.as_view(), name="home"),
    path("accounts/login/", core_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", core_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("core/", include("fangkong.core.urls")),
    path("registry/", include("fangkong.registry.urls")),
    path("screening/", include("fangkong.screening.urls")),
    path("control/", include("fangkong.control.urls")),
    path("testing/", include("fangkong.testing.urls")),
    path("grid/", include("fangkong.grid.urls")),
    path("sectors/", include("fangkong.sectors.urls")),
    path("tracing/", include("fangkong.tracing.urls")),
    path("command/", include("fangkong.command.urls")),
    path("supplies/", include("fangkong.supplies.urls")),
    path("releases/", include("fangkong.releases.urls")),
    path("public/releases/", include("fangkong.releases.public_urls")),
    path("api/", include("fangkong.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

# The API answers in JSON even where no route matched (an id that is not a number) or a view crashed.
handler400 = "fangkong.core.errors.bad_request"
handler403 = "fangkong.core.errors.permission_denied"
handler404 = "fangkong.core.errors.page_not_found"
handler500 = "fangkong.core.errors.server_error"
