"""The tracing area's kinds of import (found by `core.imports.kinds`, autodiscovered by name)."""

# Co-presence (时空伴随), #14 item 6: venue scans and location records.
from . import copresence_import  # noqa: F401
