"""The headquarters: its structure, dispatch, daily and zero reports, supervision (督导) and the
24-hour duty (值班); supplies and publication come later, each in its own module."""

from .dispatch import Dispatch, DispatchAttachment, DispatchReply, DispatchTask
from .duty import DutyLogEntry, DutyShift, DutySwap, shift_bounds
from .reports import DailyReport
from .structure import Unit, UnitMember
from .supervision import Finding, SupervisionVisit

__all__ = ["DailyReport", "Dispatch", "DispatchAttachment", "DispatchReply", "DispatchTask", "DutyLogEntry",
           "DutyShift", "DutySwap", "Finding", "SupervisionVisit", "Unit", "UnitMember", "shift_bounds"]
