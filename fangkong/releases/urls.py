from django.urls import path

from . import views

app_name = "releases"
urlpatterns = [
    path("new/", views.DraftView.as_view(), name="draft"),
    path("pending/", views.PendingView.as_view(), name="pending"),
    path("<int:pk>/edit/", views.DraftView.as_view(), name="edit"),
    path("<int:pk>/submit/", views.SubmitView.as_view(), name="submit"),
    path("<int:pk>/review/", views.ReviewView.as_view(), name="review"),
    path("<int:pk>/approve/", views.ApproveView.as_view(), name="approve"),
    path("<int:pk>/return/", views.ReturnView.as_view(), name="return"),
    path("<int:pk>/publish/", views.PublishView.as_view(), name="publish"),
    path("<int:pk>/correct/", views.CorrectView.as_view(), name="correct"),
    *views.ReleaseNotePages.urls("notes"),
]
