from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("releases/notes", views.ReleaseNoteViewSet, basename="releases-note")
