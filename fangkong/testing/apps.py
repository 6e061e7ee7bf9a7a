from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestingConfig(AppConfig):
    name = "fangkong.testing"
    label = "testing"
    verbose_name = _("核酸检测")

    def ready(self) -> None:
        from fangkong.core.signals import staff_listed
        from fangkong.core.verbs import register_verbs

        from . import menu  # noqa: F401 — registers the menu area
        from .receivers import on_staff_listed
        from .verbs import VERBS

        register_verbs(VERBS)
        staff_listed.connect(on_staff_listed, dispatch_uid="testing.staff_listed")
