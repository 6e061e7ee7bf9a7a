"""Cases and tracing: protocol versions, cases, investigations, contacts, chains, co-presence."""

from .cases import Case, CaseClassification, PositiveFinding
from .chains import ChainSnapshot, Cluster, TransmissionEdge
from .contacts import Contact, ContactPlan
from .investigations import Investigation, Milestone, Segment
from .protocols import ProtocolCategory, ProtocolVersion
from .records import CoPresenceMatch, CoPresenceRun

__all__ = ["Case", "CaseClassification", "ChainSnapshot", "Cluster", "TransmissionEdge", "CoPresenceMatch", "CoPresenceRun", "Contact", "ContactPlan", "Investigation",
           "Milestone", "PositiveFinding", "ProtocolCategory", "ProtocolVersion", "Segment"]
