from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import Role
from fangkong.core.navigation import MenuArea, MenuItem, register
from fangkong.core.views.audit import AUDIT_READERS

from .accounts import ACCOUNT_ADMIN_ROLES

register(
    MenuArea(
        _("系统管理"),
        [
            MenuItem(_("消息通知"), "core:notifications", phone=True),
            MenuItem(_("账号管理"), "core:accounts", frozenset(ACCOUNT_ADMIN_ROLES)),
            MenuItem(_("锁定账号"), "core:locked_accounts", frozenset({Role.SECURITY_ADMIN})),
            MenuItem(_("审计日志"), "core:audit_log", frozenset(AUDIT_READERS)),
            MenuItem(_("管理员操作记录"), "core:admin_actions", frozenset({Role.AUDIT_ADMIN})),
        ],
        order=90,
    )
)
