from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("supplies/items", views.SupplyItemViewSet, basename="supplies-item")
router.register("supplies/warehouses", views.WarehouseViewSet, basename="supplies-warehouse")
router.register("supplies/rules", views.ReserveRuleViewSet, basename="supplies-rule")
router.register("supplies/movements", views.StockMovementViewSet, basename="supplies-movement")

urlpatterns = [path("supplies/stock/", views.StockView.as_view(), name="supplies-stock")]
