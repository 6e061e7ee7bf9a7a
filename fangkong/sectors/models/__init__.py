from .inspections import Checklist, ChecklistItem, Inspection, Reinspection
from .orders import SectorOrder
from .venues import OTHER_SECTOR, Sector, Venue, validate_credit_code

__all__ = ["OTHER_SECTOR", "Checklist", "ChecklistItem", "Inspection", "Reinspection", "Sector", "SectorOrder",
           "Venue", "validate_credit_code"]
