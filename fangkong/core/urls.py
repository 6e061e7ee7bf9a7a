from django.urls import path

from . import views
from .imports.views import BatchErrorSheetView
from .views import accounts, audit, twofactor

app_name = "core"
urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("notifications/read/", views.NotificationReadView.as_view(), name="notifications_read_all"),
    path("notifications/<int:pk>/read/", views.NotificationReadView.as_view(), name="notification_read"),
    path("password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("2fa/", twofactor.SetupView.as_view(), name="twofactor_setup"),
    path("2fa/verify/", twofactor.VerifyView.as_view(), name="twofactor_verify"),
    path("accounts/", accounts.AccountListView.as_view(), name="accounts"),
    path("accounts/new/", accounts.AccountCreateView.as_view(), name="account_create"),
    path("accounts/locked/", accounts.LockedAccountsView.as_view(), name="locked_accounts"),
    path("accounts/<int:pk>/", accounts.AccountDetailView.as_view(), name="account"),
    path("accounts/<int:pk>/<slug:op>/", accounts.AccountActionView.as_view(), name="account_action"),
    path("batches/<int:pk>/errors.xlsx", BatchErrorSheetView.as_view(), name="batch_errors"),
    path("audit/", audit.AuditLogListView.as_view(), name="audit_log"),
    path("audit/admins/", audit.AdminActionsView.as_view(), name="admin_actions"),
    path("audit/export/", audit.AuditLogExportView.as_view(), name="audit_log_export"),
]
