from django.urls import path

from .views import inspections, orders, report, sentinels, venues

app_name = "sectors"
urlpatterns = [
    path("report/", report.SectorReportView.as_view(), name="report"),
    path("inspect/", inspections.PickVenueView.as_view(), name="inspect_pick"),
    path("venues/<int:pk>/inspect/", inspections.InspectView.as_view(), name="inspect"),
    path("inspections/<int:pk>/photos/<int:photo>/", inspections.InspectionPhotoView.as_view(), name="inspection_photo"),
    path("venues/<int:pk>/reopen/", venues.ReopenVenue.as_view(), name="venue_reopen"),
    path("venues/import/", venues.VenueImportView.as_view(), name="venue_import"),
    path("v/<str:token>/", venues.ScanView.as_view(), name="scan"),
    path("checklists/publish/", inspections.ChecklistPublishView.as_view(), name="checklist_publish"),
    path("orders/issue/", orders.IssueOrderView.as_view(), name="order_issue"),
    path("orders/<int:pk>/lift/", orders.LiftOrder.as_view(), name="order_lift"),
    *venues.SectorPages.urls("sectors"),
    *venues.VenuePages.urls("venues"),
    *inspections.ChecklistPages.urls("checklists"),
    *inspections.InspectionPages.urls("inspections"),
    *inspections.ReinspectionPages.urls("reinspections"),
    *orders.SectorOrderPages.urls("orders"),
    # 哨点监测
    path("sentinels/entry/", sentinels.CounterView.as_view(), name="sentinel_entry"),
    path("sentinels/report/", sentinels.SentinelReportView.as_view(), name="sentinel_report"),
    path("sentinels/import/", sentinels.SentinelImportView.as_view(), name="sentinel_import"),
    path("signals/run/", sentinels.RunSignalsView.as_view(), name="signal_run"),
    path("signals/<int:pk>/respond/", sentinels.RespondSignal.as_view(), name="signal_respond"),
    *sentinels.SentinelRecordPages.urls("sentinels/records"),
    *sentinels.SignalPages.urls("signals"),
    *sentinels.DrugPages.urls("drugs"),
    *sentinels.SignalRulePages.urls("signal-rules"),
]
