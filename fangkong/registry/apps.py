from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "fangkong.registry"
    label = "registry"
    verbose_name = _("常住人口基础台账")

    def ready(self) -> None:
        from . import menu  # noqa: F401
