from django.urls import path

app_name = "tracing"
urlpatterns: list = []

# Co-presence (时空伴随), #14 item 6.
from . import copresence_views as _cp  # noqa: E402

urlpatterns += [
    path("copresence/records/", _cp.RecordBatchListView.as_view(), name="copresence_batches"),
    path("copresence/records/import/", _cp.RecordImportView.as_view(), name="copresence_import"),
    path("copresence/runs/new/", _cp.RunNewView.as_view(), name="copresence_new"),
    *_cp.CoPresenceRunPages.urls("copresence/runs"),
    *_cp.CoPresenceMatchPages.urls("copresence/matches"),
]
