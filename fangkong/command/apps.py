from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommandConfig(AppConfig):
    name = "fangkong.command"
    label = "command"
    verbose_name = _("指挥调度")

    def ready(self) -> None:
        from fangkong.core.signals import result_recorded
        from fangkong.core.verbs import register_verbs

        from . import menu  # noqa: F401 — registers the menu area
        from .receivers import on_result_recorded
        from .verbs import VERBS

        register_verbs(VERBS)
        result_recorded.connect(on_result_recorded, dispatch_uid="command.result_recorded")
