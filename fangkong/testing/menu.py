from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import MenuArea, MenuItem, register

from .models.common import RESULT_WRITERS

register(
    MenuArea(
        _("核酸检测"),
        [
            MenuItem(_("检测轮次与覆盖"), "testing:home"),
            MenuItem(_("采样点"), "testing:sites"),
            MenuItem(_("上门单采"), "testing:resampling"),
            MenuItem(_("免检登记"), "testing:exemption_new"),
            MenuItem(_("结果上传"), "testing:upload", roles=RESULT_WRITERS),
            MenuItem(_("重点人群"), "testing:key_groups"),
            MenuItem(_("检测规划"), "testing:planning"),
        ],
        order=40,
    )
)
