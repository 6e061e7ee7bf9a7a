"""Models of the control area (管控): risk areas, policies, measures, quarantine sites."""

from .areas import RiskArea
from .measures import CheckIn, DoorCheck, Exposure, Measure, ScheduledTest
from .policies import PolicyVersion, Rule, RuleStep
from .rollups import NO_SITE, ActiveMeasureCount, MeasureDayCount
from .sites import QuarantineSite, Room, Transfer

__all__ = [
    "NO_SITE", "ActiveMeasureCount", "CheckIn", "DoorCheck", "Exposure", "Measure", "MeasureDayCount", "PolicyVersion",
    "QuarantineSite", "RiskArea", "Room", "Rule", "RuleStep", "ScheduledTest", "Transfer",
]
