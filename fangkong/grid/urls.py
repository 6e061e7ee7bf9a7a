from django.urls import path

from .views import away, returns, sweeps, tipoffs, walk

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
    path("return/", returns.public_return, name="public_return"),
    path("return/done/", returns.public_return_done, name="public_return_done"),
    # 群众举报
    *tipoffs.TipOffPages.urls("tipoffs"),
    path("tipoffs/<int:pk>/reveal/", tipoffs.TipOffRevealView.as_view(), name="tipoff_reveal"),
    path("tipoffs/<int:pk>/photo/", tipoffs.TipOffPhotoView.as_view(), name="tipoff_photo"),
    path("tipoffs/<int:pk>/to-lead/", tipoffs.TipOffToLead.as_view(), name="tipoff_to_lead"),
    path("tipoffs/<int:pk>/to-inspection/", tipoffs.TipOffToInspection.as_view(), name="tipoff_to_inspection"),
    path("tipoffs/<int:pk>/judge/", tipoffs.TipOffJudge.as_view(), name="tipoff_judge"),
    path("tipoff/", tipoffs.public_tip_off, name="public_tipoff"),
    path("tipoff/done/", tipoffs.public_tip_off_done, name="public_tipoff_done"),
    path("tipoff/status/", tipoffs.public_tip_off_status, name="public_tipoff_status"),
]
