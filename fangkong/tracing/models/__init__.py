"""Cases and tracing: protocol versions, cases, investigations, contacts, chains, co-presence."""

from .cases import Case, CaseClassification, PositiveFinding
from .contacts import Contact, ContactPlan
from .investigations import Investigation, Milestone, Segment
from .protocols import ProtocolCategory, ProtocolVersion

__all__ = ["Case", "CaseClassification", "Contact", "ContactPlan", "Investigation", "Milestone",
           "PositiveFinding", "ProtocolCategory", "ProtocolVersion", "Segment"]
