from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleasesConfig(AppConfig):
    name = "fangkong.releases"
    label = "releases"
    verbose_name = _("信息发布")

    def ready(self) -> None:
        from fangkong.core.verbs import register_verbs

        from . import menu  # noqa: F401 — registers the menu area
        from .verbs import VERBS

        register_verbs(VERBS)
