"""Who may do what in the control area."""

from fangkong.core.choices import Role
from fangkong.core.scoping import roles

CONTROL_VIEWERS = roles(
    Role.COMMAND_CENTER, Role.TOWNSHIP_CADRE, Role.VILLAGE_CADRE, Role.GRID_WORKER, Role.CDC, Role.SITE_STAFF,
    Role.AUDITOR,
)
CONTROL_EDITORS = roles(
    Role.COMMAND_CENTER, Role.TOWNSHIP_CADRE, Role.VILLAGE_CADRE, Role.GRID_WORKER, Role.CDC, Role.SITE_STAFF,
)
# Risk areas and policies are written by the command centre and the CDC only.
POLICY_EDITORS = roles(Role.COMMAND_CENTER, Role.CDC)
# Early release is a medical decision (医生/疾控).
DOCTORS = roles(Role.CDC, Role.COMMAND_CENTER)
SITE_MANAGERS = roles(Role.COMMAND_CENTER, Role.SITE_STAFF)
# Roles that see every measure in their division, not only their own site's.
BROAD_ROLES = CONTROL_VIEWERS - roles(Role.SITE_STAFF)
