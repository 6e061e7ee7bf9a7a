from .audit import AuditItem, AuditLog
from .batches import Batch
from .divisions import Division
from .notifications import Notification
from .ratelimits import RateCount
from .users import User, UserRole

__all__ = ["AuditItem", "AuditLog", "Batch", "Division", "Notification", "RateCount", "User", "UserRole"]
