from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import MenuArea, MenuItem, register
from fangkong.core.scoping import ADD

from .models import ReleaseNote

register(
    MenuArea(
        _("信息发布"),
        [
            MenuItem(_("发布稿"), "releases:releasenote_list", model=ReleaseNote),
            MenuItem(_("起草发布稿"), "releases:draft", model=ReleaseNote, action=ADD),
            MenuItem(_("待我审核批准"), "releases:pending", model=ReleaseNote, action="review"),
            MenuItem(_("公开发布页"), "public_releases:list", model=ReleaseNote),
        ],
        order=56,
    )
)
