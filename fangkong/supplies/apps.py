from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliesConfig(AppConfig):
    name = "fangkong.supplies"
    label = "supplies"
    verbose_name = _("物资储备")

    def ready(self) -> None:
        from fangkong.core.verbs import register_verbs

        from . import menu  # noqa: F401 — registers the menu area
        from .verbs import VERBS

        register_verbs(VERBS)
