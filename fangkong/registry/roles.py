"""Who may do what with the registry (the roles of its models' `scope_roles` and of the import)."""

from fangkong.core.choices import Role
from fangkong.core.scoping import roles

REGISTRY_VIEWERS = roles(
    Role.COMMAND_CENTER, Role.MODULE_LEAD, Role.MODULE_ADMIN, Role.REVIEWER, Role.TOWNSHIP_CADRE,
    Role.VILLAGE_CADRE, Role.GRID_WORKER, Role.CDC, Role.AUDITOR,
)
REGISTRY_EDITORS = roles(Role.COMMAND_CENTER, Role.TOWNSHIP_CADRE, Role.VILLAGE_CADRE, Role.GRID_WORKER)
REGISTRY_DELETERS = roles(Role.COMMAND_CENTER)
