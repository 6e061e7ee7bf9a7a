"""Who may do what in the command area: the headquarters' structure, dispatch, daily reports.

The command centre (指挥部) sees and runs everything in its county. Group leaders are heads of
departments (疾控, 行业监管, 模块负责人): they dispatch in the name of a unit they lead (checked in
the action, `Unit.led_by`). A unit's members acknowledge and answer its tasks; a township's
cadres are the members of their township's unit.
"""

from fangkong.core.choices import Role
from fangkong.core.scoping import roles

# Whoever may head a group or a task force (and dispatch in its name, as its leader).
DEPARTMENT_ROLES = (Role.CDC, Role.SECTOR_REGULATOR, Role.MODULE_LEAD)
# Whoever may sit in a unit and answer its tasks and reports (narrowed to their own units).
MEMBER_ROLES = (Role.TOWNSHIP_CADRE, *DEPARTMENT_ROLES, Role.LAB, Role.SITE_STAFF, Role.MODULE_ADMIN, Role.REVIEWER)

STRUCTURE_VIEWERS = roles(Role.COMMAND_CENTER, Role.AUDITOR, *MEMBER_ROLES)
STRUCTURE_EDITORS = roles(Role.COMMAND_CENTER)
# Who may send a dispatch at all: the command centre, and (as leaders of their unit) department heads.
DISPATCHERS = roles(Role.COMMAND_CENTER, *DEPARTMENT_ROLES)
DISPATCH_VIEWERS = roles(Role.COMMAND_CENTER, Role.AUDITOR, *DEPARTMENT_ROLES)
# A task is seen by its sender and by the members of the unit it was sent to.
TASK_VIEWERS = roles(Role.COMMAND_CENTER, Role.AUDITOR, *MEMBER_ROLES)
TASK_HANDLERS = roles(Role.COMMAND_CENTER, *MEMBER_ROLES)
# Whoever sees every row of their county (no narrowing to their own units).
OVERSEERS = roles(Role.COMMAND_CENTER, Role.AUDITOR)
REPORT_VIEWERS = TASK_VIEWERS
REPORTERS = TASK_HANDLERS
# 指挥大屏: the command centre and the CDC see the county, a township's cadres their township.
DASHBOARD_ROLES = roles(Role.COMMAND_CENTER, Role.CDC, Role.TOWNSHIP_CADRE)

# 督导: a supervision group's members record visits and findings, dispatch the rectification and
# re-check it (narrowed to the groups they belong to); the command centre does all of it.
SUPERVISION_VIEWERS = STRUCTURE_VIEWERS
SUPERVISORS = roles(Role.COMMAND_CENTER, *MEMBER_ROLES)
# 值班: everyone who sits in a unit sees its roster and who is on duty; the command centre and a
# unit's leaders draw up its roster and swap shifts; the people of a shift keep its log.
DUTY_VIEWERS = STRUCTURE_VIEWERS
DUTY_PLANNERS = roles(Role.COMMAND_CENTER, *MEMBER_ROLES)
DUTY_KEEPERS = roles(Role.COMMAND_CENTER, *MEMBER_ROLES)
