"""Cases and tracing: protocol versions, cases, investigations, contacts, chains, co-presence."""

# Co-presence (时空伴随), #14 item 6.
from .records import CoPresenceMatch, CoPresenceRun, LocationRecord, ScanRecord  # noqa: F401
