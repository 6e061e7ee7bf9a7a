from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import MenuArea, MenuItem, register

from .models import MemberAnswer, Questionnaire, Sweep, Visit
from .roles import WALKERS

register(
    MenuArea(
        _("网格"),
        [
            MenuItem(_("我的排摸"), "grid:my_sweeps", WALKERS, model=Visit, phone=True),
            MenuItem(_("地毯式排摸"), "grid:sweep_list", model=Sweep),
            MenuItem(_("发起排摸"), "grid:sweep_start", model=Sweep, action="add"),
            MenuItem(_("排摸户"), "grid:visit_list", model=Visit),
            MenuItem(_("排摸人员登记"), "grid:memberanswer_list", model=MemberAnswer),
            MenuItem(_("排摸问卷"), "grid:questionnaire_list", model=Questionnaire),
        ],
        order=25,
    )
)
