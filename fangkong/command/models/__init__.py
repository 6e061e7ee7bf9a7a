"""The headquarters: its structure, dispatch, daily and zero reports (supervision, duty, supplies,
publication come later, each in its own module)."""

from .dispatch import Dispatch, DispatchAttachment, DispatchReply, DispatchTask
from .reports import DailyReport
from .structure import Unit, UnitMember

__all__ = ["DailyReport", "Dispatch", "DispatchAttachment", "DispatchReply", "DispatchTask", "Unit", "UnitMember"]
