from django.urls import path

from .views import briefing, dashboard, dispatch, reports, structure

app_name = "command"
urlpatterns = [
    path("dashboard/", dashboard.DashboardView.as_view(), name="dashboard"),
    path("dashboard/shapes.json", dashboard.ShapesView.as_view(), name="dashboard_shapes"),
    path("dashboard/data.json", dashboard.MeasureDataView.as_view(), name="dashboard_data"),
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
    path("briefing/", briefing.BriefingView.as_view(), name="briefing"),
    path("briefing/template/", briefing.BriefingTemplateView.as_view(), name="briefing_template"),
    *structure.UnitPages.urls("units"),
    *dispatch.DispatchPages.urls("dispatches"),
    *dispatch.DispatchTaskPages.urls("tasks"),
    *reports.DailyReportPages.urls("reports"),
]
