from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("sectors/sectors", views.SectorViewSet, basename="sectors-sector")
router.register("sectors/venues", views.VenueViewSet, basename="sectors-venue")
router.register("sectors/checklists", views.ChecklistViewSet, basename="sectors-checklist")
router.register("sectors/inspections", views.InspectionViewSet, basename="sectors-inspection")
router.register("sectors/reinspections", views.ReinspectionViewSet, basename="sectors-reinspection")
router.register("sectors/orders", views.SectorOrderViewSet, basename="sectors-order")

# 卡口 (checkpoints)
from . import checkpoints  # noqa: E402

router.register("sectors/checkpoints", checkpoints.CheckpointViewSet, basename="sectors-checkpoint")
router.register("sectors/checkpoint-shifts", checkpoints.CheckpointShiftViewSet, basename="sectors-checkpointshift")
router.register("sectors/checkpoint-vehicles", checkpoints.VehicleCheckViewSet, basename="sectors-vehiclecheck")
router.register("sectors/checkpoint-people", checkpoints.PersonCheckViewSet, basename="sectors-personcheck")
router.register("sectors/checkpoint-registrations", checkpoints.CheckpointIntakeViewSet,
                basename="sectors-checkpoint-registration")
router.register("sectors/family-events", views.FamilyEventViewSet, basename="sectors-familyevent")
router.register("sectors/event-checks", views.EventCheckViewSet, basename="sectors-eventcheck")
router.register("sectors/resumptions", views.ResumptionViewSet, basename="sectors-resumption")
router.register("sectors/resumption-staff", views.ResumptionStaffViewSet, basename="sectors-resumptionstaff")
# 哨点监测
from . import sentinels  # noqa: E402

router.register("sectors/sentinel-records", sentinels.SentinelRecordViewSet, basename="sectors-sentinelrecord")
router.register("sectors/sentinel-sales", sentinels.SentinelSalesViewSet, basename="sectors-sentinelsales")
router.register("sectors/signals", sentinels.SignalViewSet, basename="sectors-signal")
router.register("sectors/signal-runs", sentinels.SignalRunViewSet, basename="sectors-signalrun")
router.register("sectors/drugs", sentinels.DrugViewSet, basename="sectors-drug")
router.register("sectors/signal-rules", sentinels.SignalRuleViewSet, basename="sectors-signalrule")
