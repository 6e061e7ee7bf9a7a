from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("search/", views.ResidentSearchView.as_view(), name="search"),
    path("divisions/", views.DivisionBrowserView.as_view(), name="divisions"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/<int:pk>/map/", views.ImportMapView.as_view(), name="import_map"),
    path("import/<int:pk>/", views.ImportResultView.as_view(), name="import_result"),
    path("import/<int:pk>/errors.xlsx", views.ImportErrorSheetView.as_view(), name="import_errors"),
]
