from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridConfig(AppConfig):
    name = "fangkong.grid"
    label = "grid"
    verbose_name = _("网格")

    def ready(self) -> None:
        from fangkong.core.signals import leads_received, measure_started, risk_areas_listed
        from fangkong.core.verbs import register_verbs

        from . import menu  # noqa: F401 — registers the menu area
        from .verbs import VERBS

        register_verbs(VERBS)
        from .receivers import on_leads_received, on_measure_started, on_risk_areas_listed

        risk_areas_listed.connect(on_risk_areas_listed, dispatch_uid="grid.risk_areas_listed")
        leads_received.connect(on_leads_received, dispatch_uid="grid.leads_received")
        from django.db.models.signals import post_save

        from .receivers import on_inspection_saved

        post_save.connect(on_inspection_saved, sender="sectors.Inspection", dispatch_uid="grid.inspection_saved")
        measure_started.connect(on_measure_started, dispatch_uid="grid.measure_started")
