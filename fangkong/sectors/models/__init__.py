from .events import EventCheck, EventRules, FamilyEvent
from .inspections import Checklist, ChecklistItem, Inspection, InspectionPhoto, Reinspection
from .orders import SectorOrder
from .resumption import ResumptionApplication, ResumptionStaff
from .venues import OTHER_SECTOR, Sector, Venue, validate_credit_code

__all__ = ["EventCheck", "EventRules", "FamilyEvent", "OTHER_SECTOR", "Checklist", "ChecklistItem", "Inspection", "InspectionPhoto", "Reinspection", "ResumptionApplication", "ResumptionStaff", "Sector", "SectorOrder",
           "Venue", "validate_credit_code"]
