from .checkpoints import Checkpoint, CheckpointShift, PersonCheck, VehicleCheck
from .events import EventCheck, EventRules, FamilyEvent
from .inspections import Checklist, ChecklistItem, Inspection, InspectionPhoto, Reinspection
from .orders import SectorOrder
from .resumption import ResumptionApplication, ResumptionStaff
from .venues import OTHER_SECTOR, Sector, Venue, validate_credit_code

__all__ = ["OTHER_SECTOR", "Checklist", "ChecklistItem", "Checkpoint", "CheckpointShift", "EventCheck", "EventRules",
           "FamilyEvent", "Inspection", "InspectionPhoto", "PersonCheck", "Reinspection", "ResumptionApplication",
           "ResumptionStaff", "Sector", "SectorOrder", "VehicleCheck", "Venue", "validate_credit_code"]
