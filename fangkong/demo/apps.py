from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo county's activity and accounts: the one app that may import every other."""

    name = "fangkong.demo"
    label = "demo"
    verbose_name = _("演示数据")
