from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("search/", views.ResidentSearchView.as_view(), name="search"),
    path("divisions/", views.DivisionBrowserView.as_view(), name="divisions"),
    path("import/", views.ImportView.as_view(), name="import"),
]
