"""Who may do what in the testing area."""

from fangkong.core.choices import Role
from fangkong.core.scoping import roles

TESTING_VIEWERS = roles(
    Role.COMMAND_CENTER, Role.TOWNSHIP_CADRE, Role.VILLAGE_CADRE, Role.GRID_WORKER, Role.CDC, Role.LAB,
    Role.AUDITOR,
)
# Who runs sampling at a site and records exemptions (medical staff accounts hold one of these).
SAMPLERS = roles(Role.COMMAND_CENTER, Role.TOWNSHIP_CADRE, Role.VILLAGE_CADRE, Role.GRID_WORKER, Role.CDC)
ORGANISERS = roles(Role.COMMAND_CENTER, Role.TOWNSHIP_CADRE, Role.CDC)
RESULT_WRITERS = roles(Role.COMMAND_CENTER, Role.CDC, Role.LAB)
# Recomputing a county round costs seconds of the analytics engine: organisers, labs and village
# cadres (who run the sites) may ask for it; the job also runs after every upload.
COVERAGE_REFRESHERS = ORGANISERS | RESULT_WRITERS | roles(Role.VILLAGE_CADRE)
