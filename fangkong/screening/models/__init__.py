"""Models of risk screening (风险排查). `Person` is shared: control measures and tests point at it."""

from .assist import AssistRequest
from .clearance import ClearanceItem, DailyClearance
from .leads import Lead
from .person import SCREENING_EDITORS, SCREENING_VIEWERS, MergeCandidate, Person
from .rollups import NO_DEADLINE, ClosedTaskCount, LeadCount, OpenTaskCount, PersonCount, PushCount
from .verification import ContactAttempt, DeadlinePolicy, Review, Verification

__all__ = [
    "NO_DEADLINE", "SCREENING_EDITORS", "SCREENING_VIEWERS", "AssistRequest", "ClearanceItem", "ClosedTaskCount",
    "ContactAttempt", "DailyClearance", "DeadlinePolicy", "Lead", "LeadCount", "MergeCandidate", "OpenTaskCount",
    "Person", "PersonCount", "PushCount", "Review", "Verification",
]
