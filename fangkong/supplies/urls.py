from django.urls import path

from . import views

app_name = "supplies"
urlpatterns = [
    path("", views.StockView.as_view(), name="stock"),
    path("low/", views.LowStockView.as_view(), name="low"),
    path("movements/new/", views.MovementCreateView.as_view(), name="movement_create"),
    path("movements/import/", views.ReceiptImportView.as_view(), name="receipt_import"),
    path("rounds/", views.RoundStockView.as_view(), name="rounds"),
    path("rounds/<int:pk>/", views.RoundStockView.as_view(), name="round"),
    *views.StockMovementPages.urls("movements"),
    *views.SupplyItemPages.urls("items"),
    *views.WarehousePages.urls("warehouses"),
    *views.ReserveRulePages.urls("rules"),
]
