from django.urls import path

from .views import areas, measures, policies, sites

app_name = "control"
urlpatterns = [
    path("", measures.DashboardView.as_view(), name="dashboard"),
    path("measures/", measures.MeasureListView.as_view(), name="measures"),
    path("measures/start/", measures.StartMeasureView.as_view(), name="start"),
    path("measures/<int:pk>/", measures.MeasureDetailView.as_view(), name="measure"),
    path("measures/<int:pk>/<slug:action>/", measures.MeasureActionView.as_view(), name="measure_action"),
    path("transfers/", sites.TransferListView.as_view(), name="transfers"),
    path("transfers/<int:pk>/advance/", measures.TransferAdvanceView.as_view(), name="transfer_advance"),
    path("overdue/", measures.OverdueTestsView.as_view(), name="overdue"),
    path("c/<str:token>/", measures.SelfCheckInView.as_view(), name="self_checkin"),
    path("sites/", sites.SiteListView.as_view(), name="sites"),
    path("sites/new/", sites.SiteCreateView.as_view(), name="site_create"),
    path("sites/<int:pk>/", sites.SiteDetailView.as_view(), name="site"),
    path("sites/<int:pk>/rooms/", sites.RoomsAddView.as_view(), name="rooms_add"),
    path("sites/<int:pk>/staff/", sites.SiteStaffView.as_view(), name="site_staff"),
    path("areas/", areas.RiskAreaListView.as_view(), name="areas"),
    path("areas/import/", areas.RiskAreaImportView.as_view(), name="area_import"),
    path("areas/import/errors.xlsx", areas.RiskAreaErrorsView.as_view(), name="area_import_errors"),
    path("policies/", policies.PolicyListView.as_view(), name="policies"),
    path("policies/draft/", policies.PolicyDraftView.as_view(), name="policy_draft"),
    path("policies/<int:pk>/", policies.PolicyDetailView.as_view(), name="policy"),
    path("policies/<int:pk>/draft/", policies.PolicyDraftView.as_view(), name="policy_copy"),
    path("policies/<int:pk>/preview/", policies.PolicyPreviewView.as_view(), name="policy_preview"),
    path("policies/<int:pk>/publish/", policies.PolicyPublishView.as_view(), name="policy_publish"),
    path("policies/<int:version_pk>/rules/new/", policies.RuleEditView.as_view(), name="rule_new"),
    path("policies/<int:version_pk>/rules/<int:pk>/", policies.RuleEditView.as_view(), name="rule_edit"),
    path("policies/<int:version_pk>/rules/<int:pk>/delete/", policies.RuleDeleteView.as_view(), name="rule_delete"),
]
