"""Who may do what in the cases-and-tracing area."""

from fangkong.core.choices import Role
from fangkong.core.scoping import roles

# Cases and their contacts are seen by the CDC and the command centre county-wide, and by a
# township's cadres for their own township (the division scope does the rest).
TRACING_VIEWERS = roles(Role.COMMAND_CENTER, Role.CDC, Role.TOWNSHIP_CADRE, Role.AUDITOR)
# Investigations are the CDC's epidemiologists' work; the command centre may step in.
TRACERS = roles(Role.COMMAND_CENTER, Role.CDC)
# The protocol (the disease as configuration) is the CDC's and the command centre's.
PROTOCOL_EDITORS = roles(Role.COMMAND_CENTER, Role.CDC)
PROTOCOL_VIEWERS = TRACING_VIEWERS
