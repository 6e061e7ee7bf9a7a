from .inspections import Checklist, ChecklistItem, Inspection, InspectionPhoto, Reinspection
from .orders import SectorOrder
from .sentinels import SENTINEL_SECTORS, Drug, SentinelCount, SentinelRecord, Signal, SignalRule
from .venues import OTHER_SECTOR, Sector, Venue, validate_credit_code

__all__ = ["OTHER_SECTOR", "Checklist", "ChecklistItem", "Inspection", "InspectionPhoto", "Reinspection", "Sector", "SectorOrder",
           "Venue", "validate_credit_code",
           "SENTINEL_SECTORS", "Drug", "SentinelCount", "SentinelRecord", "Signal", "SignalRule"]
