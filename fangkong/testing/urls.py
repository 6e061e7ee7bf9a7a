from django.urls import path

from . import views

app_name = "testing"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("sites/", views.SiteListView.as_view(), name="sites"),
    path("sites/new/", views.SiteCreateView.as_view(), name="site_new"),
    path("rounds/new/", views.RoundCreateView.as_view(), name="round_new"),
    path("sites/<int:pk>/", views.SiteView.as_view(), name="site"),
    path("qr/<int:pk>/", views.QrView.as_view(), name="qr"),
    path("rounds/<int:pk>/", views.RoundView.as_view(), name="round"),
    path("rounds/<int:pk>/gaps/", views.GapListView.as_view(), name="gaps"),
    path("rounds/<int:pk>/export/<str:what>/", views.ExportView.as_view(), name="export"),
    path("results/upload/", views.UploadView.as_view(), name="upload"),
    path("exemptions/new/", views.ExemptionCreateView.as_view(), name="exemption_new"),
    path("resampling/", views.ResamplingListView.as_view(), name="resampling"),
    path("key-groups/", views.KeyGroupListView.as_view(), name="key_groups"),
    path("key-groups/new/", views.KeyGroupEditView.as_view(), name="key_group_new"),
    path("key-groups/<int:pk>/", views.KeyGroupView.as_view(), name="key_group"),
    path("key-groups/<int:pk>/edit/", views.KeyGroupEditView.as_view(), name="key_group_edit"),
    path("key-groups/<int:pk>/members/new/", views.KeyGroupMemberAddView.as_view(), name="key_group_member_new"),
    path("key-groups/<int:pk>/members/<int:member_pk>/remove/", views.KeyGroupMemberRemoveView.as_view(),
         name="key_group_member_remove"),
    path("key-groups/<int:pk>/import/", views.KeyGroupImportView.as_view(), name="key_group_import"),
    path("key-groups/import/<int:batch_pk>/errors/", views.KeyGroupImportErrorSheetView.as_view(),
         name="key_group_import_errors"),
    path("planning/", views.PlanningView.as_view(), name="planning"),
]
