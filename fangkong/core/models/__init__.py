from .audit import AuditItem, AuditLog
from .batches import Batch
from .divisions import Division
from .notifications import Notification
from .users import User, UserRole

__all__ = ["AuditItem", "AuditLog", "Batch", "Division", "Notification", "User", "UserRole"]
