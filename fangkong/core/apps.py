from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "fangkong.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from . import checks, menu, signals  # noqa: F401
