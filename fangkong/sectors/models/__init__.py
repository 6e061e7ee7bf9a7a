from .checkpoints import Checkpoint, CheckpointShift, PersonCheck, VehicleCheck
from .events import EventCheck, EventRules, FamilyEvent
from .inspections import Checklist, ChecklistItem, Inspection, InspectionPhoto, Reinspection
from .orders import SectorOrder
from .resumption import ResumptionApplication, ResumptionStaff
from .sentinels import SENTINEL_SECTORS, Drug, SentinelCount, SentinelRecord, Signal, SignalRule
from .venues import OTHER_SECTOR, Sector, Venue, validate_credit_code

__all__ = ["OTHER_SECTOR", "SENTINEL_SECTORS", "Checklist", "ChecklistItem", "Checkpoint", "CheckpointShift", "Drug",
           "EventCheck", "EventRules", "FamilyEvent", "Inspection", "InspectionPhoto", "PersonCheck", "Reinspection",
           "ResumptionApplication", "ResumptionStaff", "Sector", "SectorOrder", "SentinelCount", "SentinelRecord",
           "Signal", "SignalRule", "VehicleCheck", "Venue", "validate_credit_code"]
