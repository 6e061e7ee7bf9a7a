"""Who may do what with supplies (物资储备).

The command centre (物资保障组) keeps the catalogue, the warehouses and the reserve rules; the
keepers of a warehouse — township cadres, quarantine-site staff, the lab and sampling sites, the
CDC — record its receipts, issues and transfers inside their division.
"""

from fangkong.core.choices import Role
from fangkong.core.scoping import roles

SUPPLY_KEEPERS = roles(Role.COMMAND_CENTER, Role.TOWNSHIP_CADRE, Role.SITE_STAFF, Role.LAB, Role.CDC)
SUPPLY_VIEWERS = SUPPLY_KEEPERS | roles(Role.AUDITOR)
CATALOGUE_EDITORS = roles(Role.COMMAND_CENTER)
