"""Models of the testing area (核酸检测)."""

from .groups import KeyGroup, KeyGroupMember
from .rollups import CoverageGap, CoverageRollup, HouseholdWeekRollup, SiteHourRollup
from .rounds import Exemption, MissRecord, RoundVillage, SamplingRound, SamplingSite
from .samples import ResamplingTask, Sample, Sampling, UnmatchedResult

__all__ = [
    "CoverageGap", "CoverageRollup", "Exemption", "HouseholdWeekRollup", "KeyGroup", "KeyGroupMember",
    "MissRecord", "ResamplingTask", "RoundVillage", "Sample", "Sampling", "SamplingRound", "SamplingSite",
    "SiteHourRollup", "UnmatchedResult",
]
