from .audit import AuditLog
from .batches import Batch
from .divisions import Division
from .notifications import Notification
from .users import Liaison, User, UserRole

__all__ = ["AuditLog", "Batch", "Division", "Liaison", "Notification", "User", "UserRole"]
