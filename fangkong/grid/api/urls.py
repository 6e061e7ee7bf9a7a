from rest_framework.routers import DefaultRouter

from . import views, views_away, views_care, views_tipoffs

router = DefaultRouter()
router.register("grid/questionnaires", views.QuestionnaireViewSet, basename="grid-questionnaire")
router.register("grid/sweeps", views.SweepViewSet, basename="grid-sweep")
router.register("grid/visits", views.VisitViewSet, basename="grid-visit")
router.register("grid/answers", views.MemberAnswerViewSet, basename="grid-answer")
router.register("grid/away", views_away.PersonAwayViewSet, basename="grid-away")
router.register("grid/away-contacts", views_away.ContactLogViewSet, basename="grid-awaycontact")
router.register("grid/returns", views_away.ReturnReportViewSet, basename="grid-returnreport")
router.register("grid/away-tasks", views_away.AwayTaskViewSet, basename="grid-awaytask")
router.register("grid/tipoffs", views_tipoffs.TipOffViewSet, basename="grid-tipoff")
router.register("grid/care-templates", views_care.CareTemplateViewSet, basename="grid-caretemplate")
router.register("grid/care-teams", views_care.CareTeamViewSet, basename="grid-careteam")
router.register("grid/care-duties", views_care.CareDutyViewSet, basename="grid-careduty")
router.register("grid/care-checks", views_care.CareCheckViewSet, basename="grid-carecheck")
router.register("grid/notices", views_care.NoticeViewSet, basename="grid-notice")
router.register("grid/notice-deliveries", views_care.NoticeDeliveryViewSet, basename="grid-noticedelivery")
