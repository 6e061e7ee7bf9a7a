from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("search/", views.ResidentSearchView.as_view(), name="search"),
    path("residents/export/", views.ResidentExportView.as_view(), name="resident_export"),
    path("residents/<int:pk>/", views.ResidentDetailView.as_view(), name="resident"),
    path("residents/<int:pk>/reveal/", views.ResidentRevealView.as_view(), name="resident_reveal"),
    path("divisions/", views.DivisionBrowserView.as_view(), name="divisions"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/<int:pk>/map/", views.ImportMapView.as_view(), name="import_map"),
    path("import/<int:pk>/", views.ImportResultView.as_view(), name="import_result"),
    path("import/<int:pk>/errors.xlsx", views.ImportErrorSheetView.as_view(), name="import_errors"),
    *views.HouseholdPages.urls("households"),
]
