"""Models of risk screening (风险排查). `Person` is shared: control measures and tests point at it."""

from .assist import AssistRequest
from .clearance import ClearanceItem, DailyClearance
from .leads import Lead
from .person import SCREENING_EDITORS, SCREENING_VIEWERS, MergeCandidate, Person
from .verification import ContactAttempt, DeadlinePolicy, Review, Verification

__all__ = [
    "SCREENING_EDITORS", "SCREENING_VIEWERS", "AssistRequest", "ClearanceItem", "ContactAttempt",
    "DailyClearance", "DeadlinePolicy", "Lead", "MergeCandidate", "Person", "Review", "Verification",
]
