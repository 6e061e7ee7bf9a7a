"""Who may do what on the grid line: start sweeps, see them, walk the households."""

from fangkong.core.choices import Role
from fangkong.core.scoping import roles

GRID_VIEWERS = roles(
    Role.COMMAND_CENTER, Role.TOWNSHIP_CADRE, Role.VILLAGE_CADRE, Role.GRID_WORKER, Role.CDC, Role.AUDITOR,
)
# The command centre over the county, a township cadre within their township.
SWEEP_ORGANISERS = roles(Role.COMMAND_CENTER, Role.TOWNSHIP_CADRE)
# Who records a household's visit: its grid worker, and the cadres above who walk with them.
VISITORS = roles(Role.COMMAND_CENTER, Role.TOWNSHIP_CADRE, Role.VILLAGE_CADRE, Role.GRID_WORKER)
QUESTIONNAIRE_EDITORS = roles(Role.COMMAND_CENTER)
# Whose own households a sweep lists on the phone ("我的排摸").
WALKERS = roles(Role.GRID_WORKER, Role.VILLAGE_CADRE)

# 县外人员底数 and 返县报备: the cadres of the three-level liaison keep the ledger; everyone on the
# grid line sees it in their area.
AWAY_VIEWERS = GRID_VIEWERS
AWAY_EDITORS = VISITORS

# 群众举报: the grid line and the self-report module's staff see tip-offs in their area (regulators
# those sent to them as inspections); the cadres on the ground and the module's admins handle them.
TIP_OFF_VIEWERS = GRID_VIEWERS | roles(Role.MODULE_LEAD, Role.MODULE_ADMIN, Role.SECTOR_REGULATOR)
TIP_OFF_HANDLERS = roles(Role.COMMAND_CENTER, Role.TOWNSHIP_CADRE, Role.VILLAGE_CADRE, Role.GRID_WORKER,
                         Role.MODULE_LEAD, Role.MODULE_ADMIN)
# Who may see who made a tip-off: only the admins (负责人、管理员) of the module its channel belongs to.
TIP_OFF_REPORTER_ROLES = roles(Role.MODULE_LEAD, Role.MODULE_ADMIN)
# 四对一 teams: everyone on the grid line sees them in their area; the cadres above assign the
# seats; any team member with an account (or a cadre walking with them) records a check.
CARE_VIEWERS = GRID_VIEWERS
CARE_ASSIGNERS = roles(Role.COMMAND_CENTER, Role.TOWNSHIP_CADRE, Role.VILLAGE_CADRE)
CARE_CHECKERS = roles(Role.COMMAND_CENTER, Role.TOWNSHIP_CADRE, Role.VILLAGE_CADRE, Role.GRID_WORKER, Role.CDC)
CARE_TEMPLATE_EDITORS = roles(Role.COMMAND_CENTER)
# 通知全覆盖: the command centre over the county, a township or village cadre within their area.
NOTICE_VIEWERS = GRID_VIEWERS
NOTICE_SENDERS = roles(Role.COMMAND_CENTER, Role.TOWNSHIP_CADRE, Role.VILLAGE_CADRE)
# Whose phone menu offers 我的居家人员: the seat holders with an account.
CARE_SEATS = roles(Role.GRID_WORKER, Role.VILLAGE_CADRE, Role.TOWNSHIP_CADRE, Role.CDC)
