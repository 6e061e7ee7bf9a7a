from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    """Named figures (口径) shared by boards, dashboards, sentences and reports; it may import every
    domain app, none imports it except pages that print figures."""

    name = "fangkong.metrics"
    label = "metrics"
    verbose_name = _("统计口径")
