"""Choices of co-presence (时空伴随): the kinds of record and of match."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import Role
from fangkong.core.scoping import roles


class MatchKind(models.TextChoices):
    CELL = "cell", _("同一网格/基站")
    VENUE = "venue", _("同一场所码")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("计算中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


# Venue scans and location records are personal data of a whole county: only the command centre
# and the CDC see them, import them and run the join (they are never shown row by row on a page).
COPRESENCE_VIEWERS = roles(Role.COMMAND_CENTER, Role.CDC, Role.AUDITOR)
COPRESENCE_RUNNERS = roles(Role.COMMAND_CENTER, Role.CDC)
SCAN_BATCH_KIND = "scans"
LOCATION_BATCH_KIND = "locations"
