"""The public page of released information: /public/releases/ (no login)."""

from django.urls import path

from . import views

app_name = "public_releases"
urlpatterns = [
    path("", views.PublicListView.as_view(), name="list"),
    path("<int:pk>/", views.PublicDetailView.as_view(), name="detail"),
]
