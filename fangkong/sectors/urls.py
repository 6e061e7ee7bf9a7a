from django.urls import path

from .views import events, inspections, orders, report, resumption, sentinels, venues

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
    path("events/add/", events.ReportEventView.as_view(), name="familyevent_add"),
    path("events/rules/", events.EventRulesView.as_view(), name="event_rules"),
    path("events/<int:pk>/supervisor/", events.AssignSupervisor.as_view(), name="event_supervisor"),
    path("events/<int:pk>/check/", events.CheckEvent.as_view(), name="event_check"),
    path("events/<int:pk>/cancel/", events.CancelEvent.as_view(), name="event_cancel"),
    *events.FamilyEventPages.urls("events"),
    *events.EventCheckPages.urls("event-checks"),
    path("resumption/add/", resumption.ApplyResumptionView.as_view(), name="resumptionapplication_add"),
    path("resumption/<int:pk>/decide/", resumption.DecideResumption.as_view(), name="resumption_decide"),
    *resumption.ResumptionPages.urls("resumption"),
    *resumption.ResumptionStaffPages.urls("resumption-staff"),
]

# 卡口 (checkpoints)
from .views import checkpoints  # noqa: E402

urlpatterns += [
    path("checkpoints/register/", checkpoints.RegisterPickView.as_view(), name="checkpoint_register_pick"),
    path("checkpoints/<int:pk>/register/", checkpoints.RegisterView.as_view(), name="checkpoint_register"),
    path("checkpoints/<int:pk>/exit/", checkpoints.ExitView.as_view(), name="checkpoint_exit"),
    path("checkpoints/report/", checkpoints.CheckpointReportView.as_view(), name="checkpoint_report"),
    path("checkpoints/import/", checkpoints.CheckpointImportView.as_view(), name="checkpoint_import"),
    *checkpoints.CheckpointPages.urls("checkpoints"),
    *checkpoints.CheckpointShiftPages.urls("checkpoint-shifts"),
    *checkpoints.VehicleCheckPages.urls("checkpoint-vehicles"),
    *checkpoints.PersonCheckPages.urls("checkpoint-people"),
]
