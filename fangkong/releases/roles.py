"""Who may do what in information release (信息发布).

The CDC and the command centre (宣传舆情组) draft notices, case bulletins and public itineraries;
a reviewer checks a submitted draft and the command centre approves and publishes it. Whoever
reviews or approves a release may not be its author (checked in the actions).
"""

from fangkong.core.choices import Role
from fangkong.core.scoping import roles

RELEASE_AUTHORS = roles(Role.COMMAND_CENTER, Role.CDC)
RELEASE_REVIEWERS = roles(Role.COMMAND_CENTER, Role.CDC)
RELEASE_APPROVERS = roles(Role.COMMAND_CENTER)
RELEASE_VIEWERS = RELEASE_AUTHORS | RELEASE_REVIEWERS | RELEASE_APPROVERS | roles(Role.AUDITOR)
