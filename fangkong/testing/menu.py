from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import MenuArea, MenuItem, register

from .models import Exemption, KeyGroup, SamplingRound, SamplingSite
from .models.common import ORGANISERS, RESULT_WRITERS, SAMPLERS

register(
    MenuArea(
        _("核酸检测"),
        [
            MenuItem(_("检测轮次与覆盖"), "testing:home", model=SamplingRound),
            # 采样点: who runs sampling (`actions.may_operate`); a viewer such as the lab would find every
            # site's page closed to it.
            MenuItem(_("采样点"), "testing:sites", model=SamplingSite, action="change"),
            MenuItem(_("上门单采"), "testing:resampling", SAMPLERS, phone=True),
            MenuItem(_("免检登记"), "testing:exemption_new", model=Exemption, action="add", phone=True),
            MenuItem(_("结果上传"), "testing:upload", roles=RESULT_WRITERS),
            MenuItem(_("重点人群"), "testing:key_groups", model=KeyGroup),
            MenuItem(_("检测规划"), "testing:planning", ORGANISERS),
        ],
        order=40,
    )
)
