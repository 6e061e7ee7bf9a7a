from .checkpoints import Checkpoint, CheckpointShift, PersonCheck, VehicleCheck
from .inspections import Checklist, ChecklistItem, Inspection, InspectionPhoto, Reinspection
from .orders import SectorOrder
from .venues import OTHER_SECTOR, Sector, Venue, validate_credit_code

__all__ = ["OTHER_SECTOR", "Checklist", "ChecklistItem", "Checkpoint", "CheckpointShift", "Inspection",
           "InspectionPhoto", "PersonCheck", "Reinspection", "Sector", "SectorOrder", "VehicleCheck", "Venue",
           "validate_credit_code"]
