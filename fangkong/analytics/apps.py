from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "fangkong.analytics"
    label = "analytics"
    verbose_name = _("分析引擎")

    def ready(self) -> None:
        from . import checks  # noqa: F401
