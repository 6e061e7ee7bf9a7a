from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class ResidentStatus(models.TextChoices):
    PRESENT = "present", _("在家")
    AWAY = "away", _("外出")
    MOVED_OUT = "moved_out", _("已迁出")
    DECEASED = "deceased", _("已故")


class LiaisonLevel(models.TextChoices):
    COUNTY_TO_TOWNSHIP = "county_township", _("县级领导包乡镇")
    TOWNSHIP_TO_VILLAGE = "township_village", _("乡镇干部包村")
    VILLAGE_TO_HOUSEHOLD = "village_household", _("村干部包户")
