from django.urls import path

from .views import boards, public, work

app_name = "screening"
urlpatterns = [
    path("report/", public.self_report, name="self_report"),
    path("report/done/", public.self_report_done, name="self_report_done"),
    path("report/qr.svg", public.self_report_qr, name="self_report_qr"),
    path("receipt/", public.receipt_status, name="receipt"),
    path("my/", work.MyTasksView.as_view(), name="my_tasks"),
    path("screen/", work.door_screening, name="door_screening"),
    path("verifications/", work.VerificationListView.as_view(), name="verifications"),
    path("verifications/<int:pk>/", work.verification_detail, name="verification"),
    path("verifications/<int:pk>/call/", work.call, name="call"),
    path("verifications/<int:pk>/attempt/", work.record_attempt, name="attempt"),
    path("verifications/<int:pk>/stage/", work.mark_stage, name="stage"),
    path("verifications/<int:pk>/outcome/", work.submit_outcome, name="outcome"),
    path("verifications/<int:pk>/review/", work.review, name="review"),
    path("verifications/<int:pk>/reassign/", work.reassign, name="reassign"),
    path("leads/", work.LeadListView.as_view(), name="leads"),
    path("board/", boards.board, name="board"),
    path("close/", boards.close_day, name="close_day"),
    path("clearances/<int:pk>/", boards.clearance_detail, name="clearance"),
    path("import/", boards.import_leads, name="import"),
    path("batches/<int:pk>/", boards.batch_detail, name="batch"),
    path("batches/<int:pk>/errors.xlsx", boards.batch_errors, name="batch_errors"),
    path("merges/", boards.merges, name="merges"),
    path("merges/<int:pk>/<str:op>/", boards.merge_action, name="merge_action"),
    path("assist/", boards.assist_list, name="assist"),
    path("assist/<int:pk>/reply/", boards.assist_reply, name="assist_reply"),
    path("assist/export.xlsx", boards.assist_export, name="assist_export"),
]
