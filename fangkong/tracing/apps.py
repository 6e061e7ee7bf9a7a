from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracingConfig(AppConfig):
    name = "fangkong.tracing"
    label = "tracing"
    verbose_name = _("病例与流调")

    def ready(self) -> None:
        from fangkong.core.verbs import register_verbs

        from . import menu  # noqa: F401 — registers the menu area
        from .verbs import VERBS

        register_verbs(VERBS)
        self._connect_cases()

    # Cases, investigations and contacts (#14 items 1–4): menu and the events they listen to.
    def _connect_cases(self) -> None:
        from fangkong.core.signals import exposure_asked, person_controlled, positive_found, result_recorded

        from . import menu  # noqa: F401 — registers the menu area
        from .receivers import on_exposure_asked, on_person_controlled, on_positive_found, on_result_recorded

        positive_found.connect(on_positive_found, dispatch_uid="tracing.positive_found")
        result_recorded.connect(on_result_recorded, dispatch_uid="tracing.result_recorded")
        person_controlled.connect(on_person_controlled, dispatch_uid="tracing.person_controlled")
        exposure_asked.connect(on_exposure_asked, dispatch_uid="tracing.exposure_asked")
