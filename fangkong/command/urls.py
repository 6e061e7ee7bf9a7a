from django.urls import path

from .views import dispatch, duty, reports, structure, supervision

app_name = "command"
urlpatterns = [
    path("units/<int:pk>/members/", structure.AddMemberView.as_view(), name="unit_member_add"),
    path("units/<int:pk>/members/<int:member>/remove/", structure.RemoveMemberView.as_view(), name="unit_member_remove"),
    path("units/<int:pk>/coverage/", structure.CoverageView.as_view(), name="unit_coverage"),
    path("units/<int:pk>/townships/", structure.AddTownshipsView.as_view(), name="unit_townships"),
    path("dispatches/new/", dispatch.DispatchCreateView.as_view(), name="dispatch_create"),
    path("my/", dispatch.MyTasksView.as_view(), name="my_tasks"),
    path("tasks/<int:pk>/acknowledge/", dispatch.AcknowledgeView.as_view(), name="task_acknowledge"),
    path("tasks/<int:pk>/reply/", dispatch.ReplyView.as_view(), name="task_reply"),
    path("tasks/<int:pk>/sign-off/", dispatch.SignOffView.as_view(), name="task_sign_off"),
    path("tasks/<int:pk>/return/", dispatch.ReturnView.as_view(), name="task_return"),
    path("tasks/<int:pk>/files/<int:attachment>/", dispatch.AttachmentView.as_view(), name="task_attachment"),
    path("reports/file/", reports.FileReportView.as_view(), name="report_file"),
    path("reports/overview/", reports.ReportOverviewView.as_view(), name="report_overview"),
    path("units/<int:pk>/record/", supervision.UnitRecordView.as_view(), name="unit_record"),
    path("visits/<int:pk>/findings/", supervision.AddFindingView.as_view(), name="visit_finding_add"),
    path("findings/<int:pk>/rectify/", supervision.RectifyView.as_view(), name="finding_rectify"),
    path("findings/<int:pk>/recheck/", supervision.RecheckView.as_view(), name="finding_recheck"),
    path("findings/<int:pk>/photo/", supervision.FindingPhotoView.as_view(), name="finding_photo"),
    path("duty/", duty.OnDutyView.as_view(), name="on_duty"),
    path("shifts/<int:pk>/swap/", duty.SwapView.as_view(), name="shift_swap"),
    path("shifts/<int:pk>/swaps/<int:swap>/decide/", duty.DecideSwapView.as_view(), name="shift_swap_decide"),
    path("shifts/<int:pk>/log/", duty.LogView.as_view(), name="shift_log"),
    path("shifts/<int:pk>/handover/", duty.HandoverView.as_view(), name="shift_handover"),
    *structure.UnitPages.urls("units"),
    *dispatch.DispatchPages.urls("dispatches"),
    *dispatch.DispatchTaskPages.urls("tasks"),
    *reports.DailyReportPages.urls("reports"),
    *supervision.SupervisionVisitPages.urls("visits"),
    *supervision.FindingPages.urls("findings"),
    *duty.DutyShiftPages.urls("shifts"),
    *duty.DutyLogEntryPages.urls("duty-log"),
]
