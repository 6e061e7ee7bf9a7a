from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ControlConfig(AppConfig):
    name = "fangkong.control"
    label = "control"
    verbose_name = _("管控")

    def ready(self) -> None:
        from fangkong.core.signals import person_controlled, result_recorded
        from fangkong.core.verbs import register_verbs

        from . import menu  # noqa: F401 — registers the menu area
        from .receivers import on_person_controlled, on_result_recorded
        from .verbs import VERBS

        register_verbs(VERBS)

        person_controlled.connect(on_person_controlled, dispatch_uid="control.person_controlled")
        result_recorded.connect(on_result_recorded, dispatch_uid="control.result_recorded")

        # Tracing's protocol versions become policy versions (appended by the tracing area).
        from fangkong.core.signals import protocol_published

        from .protocols import on_protocol_published

        protocol_published.connect(on_protocol_published, dispatch_uid="control.protocol_published")
