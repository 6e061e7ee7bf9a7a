"""Who may do what in the sectors area (重点场所、检查、关停令)."""

from fangkong.core.choices import Role
from fangkong.core.scoping import roles

SECTOR_VIEWERS = roles(
    Role.COMMAND_CENTER, Role.SECTOR_REGULATOR, Role.TOWNSHIP_CADRE, Role.VILLAGE_CADRE, Role.GRID_WORKER,
    Role.CDC, Role.AUDITOR,
)
# Venues are registered and changed by the regulators, the command centre and township cadres.
VENUE_EDITORS = roles(Role.COMMAND_CENTER, Role.SECTOR_REGULATOR, Role.TOWNSHIP_CADRE)
VENUE_DELETERS = roles(Role.COMMAND_CENTER)
# Inspections are made by the regulators (外部行业责任人) and township cadres on patrol.
INSPECTORS = roles(Role.COMMAND_CENTER, Role.SECTOR_REGULATOR, Role.TOWNSHIP_CADRE)
# The sector list, the checklists and closing orders are the command centre's and the regulators'.
SECTOR_EDITORS = roles(Role.COMMAND_CENTER, Role.SECTOR_REGULATOR)

# 卡口: everyone on the ground may see a checkpoint's traffic in their scope; the cadres and
# grid workers who staff the gates register it; the command centre and townships set checkpoints up.
CHECKPOINT_VIEWERS = roles(
    Role.COMMAND_CENTER, Role.TOWNSHIP_CADRE, Role.VILLAGE_CADRE, Role.GRID_WORKER, Role.CDC, Role.AUDITOR,
)
CHECKPOINT_STAFF = roles(Role.COMMAND_CENTER, Role.TOWNSHIP_CADRE, Role.VILLAGE_CADRE, Role.GRID_WORKER)
CHECKPOINT_EDITORS = roles(Role.COMMAND_CENTER, Role.TOWNSHIP_CADRE)
CHECKPOINT_DELETERS = roles(Role.COMMAND_CENTER)
# 红白事: reported through the village (its cadres and grid workers) or the township; a township
# officer supervises and checks on site.
EVENT_REPORTERS = roles(Role.COMMAND_CENTER, Role.TOWNSHIP_CADRE, Role.VILLAGE_CADRE, Role.GRID_WORKER)
EVENT_SUPERVISORS = roles(Role.COMMAND_CENTER, Role.TOWNSHIP_CADRE)
# 复工复产: applications are entered by the regulators and townships (or posted by other systems),
# decided by those who inspect.
RESUMPTION_EDITORS = roles(Role.COMMAND_CENTER, Role.SECTOR_REGULATOR, Role.TOWNSHIP_CADRE)
# 哨点监测: real-name sales and clinic visits carry personal data; the counter, the command centre,
# the CDC, regulators and township cadres enter them; the command centre and the CDC answer signals.
SENTINEL_VIEWERS = roles(Role.COMMAND_CENTER, Role.CDC, Role.SECTOR_REGULATOR, Role.TOWNSHIP_CADRE, Role.AUDITOR)
SENTINEL_REPORTERS = roles(Role.COMMAND_CENTER, Role.CDC, Role.SECTOR_REGULATOR, Role.TOWNSHIP_CADRE)
SIGNAL_RESPONDERS = roles(Role.COMMAND_CENTER, Role.CDC)
DRUG_EDITORS = roles(Role.COMMAND_CENTER, Role.CDC, Role.SECTOR_REGULATOR)
