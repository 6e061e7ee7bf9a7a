from django.urls import path

from .views import away, care, notices, returns, sweeps, walk

app_name = "grid"
urlpatterns = [
    path("sweeps/", sweeps.SweepListView.as_view(), name="sweep_list"),
    path("sweeps/start/", sweeps.SweepStartView.as_view(), name="sweep_start"),
    path("sweeps/<int:pk>/", sweeps.SweepDetailView.as_view(), name="sweep"),
    path("sweeps/<int:pk>/close/", sweeps.SweepCloseView.as_view(), name="sweep_close"),
    path("sweeps/<int:pk>/coverage/", sweeps.CoverageView.as_view(), name="coverage"),
    path("sweeps/<int:pk>/diff/", sweeps.SweepDiffView.as_view(), name="diff"),
    path("sweeps/<int:pk>/mine/", walk.MyHouseholdsView.as_view(), name="my_households"),
    path("my/", walk.MySweepsView.as_view(), name="my_sweeps"),
    path("visits/", walk.VisitListView.as_view(), name="visit_list"),
    path("visits/<int:pk>/", walk.VisitDetailView.as_view(), name="visit"),
    path("visits/<int:pk>/member/<int:resident>/", walk.VisitActionView.as_view(), {"what": "member"},
         name="visit_member"),
    path("visits/<int:pk>/<slug:what>/", walk.VisitActionView.as_view(), name="visit_action"),
    path("answers/", walk.MemberAnswerListView.as_view(), name="memberanswer_list"),
    path("answers/<int:pk>/", walk.MemberAnswerDetailView.as_view(), name="memberanswer"),
    path("questionnaires/", sweeps.QuestionnaireListView.as_view(), name="questionnaire_list"),
    path("questionnaires/<int:pk>/", sweeps.QuestionnaireDetailView.as_view(), name="questionnaire"),
    # 县外人员底数 and 返县报备
    path("away/board/", away.AwayBoardView.as_view(), name="away_board"),
    *away.PersonAwayPages.urls("away"),
    path("away/<int:pk>/contact/", away.LogContact.as_view(), name="personaway_contact"),
    *away.ContactLogPages.urls("away-contacts"),
    path("away-tasks/", away.AwayTaskListView.as_view(), name="awaytask_list"),
    path("away-tasks/<int:pk>/", away.AwayTaskDetailView.as_view(), name="awaytask"),
    path("away-tasks/<int:pk>/close/", away.CloseAwayTask.as_view(), name="awaytask_close"),
    path("returns/add/", returns.ReturnReportAddView.as_view(), name="returnreport_add"),
    path("returns/import/", returns.ReturnImportView.as_view(), name="returnreport_import"),
    *returns.ReturnReportPages.urls("returns"),
    path("returns/<int:pk>/confirm/", returns.ConfirmArrival.as_view(), name="returnreport_confirm"),
    path("returns/<int:pk>/cancel/", returns.CancelReturnReport.as_view(), name="returnreport_cancel"),
    # 四对一 teams
    path("care/my/", care.MyCareView.as_view(), name="my_care"),
    path("care/duties/", care.CareDutyListView.as_view(), name="careduty_list"),
    path("care/duties/<int:pk>/check/", care.CareCheckView.as_view(), name="careduty_check"),
    path("care/teams/", care.CareTeamListView.as_view(), name="careteam_list"),
    path("care/teams/<int:pk>/", care.CareTeamDetailView.as_view(), name="careteam"),
    path("care/members/<int:pk>/assign/", care.AssignCareMemberView.as_view(), name="caremember_assign"),
    *care.CareCheckPages.urls("care/checks"),
    *care.CareTemplatePages.urls("care/templates"),
    # 通知全覆盖
    path("notices/", notices.NoticeListView.as_view(), name="notice_list"),
    path("notices/add/", notices.NoticeAddView.as_view(), name="notice_add"),
    path("notices/<int:pk>/", notices.NoticeDetailView.as_view(), name="notice"),
    path("notices/<int:pk>/resend/", notices.ResendNotice.as_view(), name="notice_resend"),
    path("notice-deliveries/", notices.NoticeDeliveryListView.as_view(), name="noticedelivery_list"),
    path("return/", returns.public_return, name="public_return"),
    path("return/done/", returns.public_return_done, name="public_return_done"),
]
