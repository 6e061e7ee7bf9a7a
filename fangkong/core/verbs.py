"""Chinese names of the business verbs written to the audit log (`AuditLog.verb`).

Each app registers its verbs once, from its `verbs.py` (called in AppConfig.ready). A verb
registered twice is a collision (two actions writing one word for two things) and fails at
start-up; the structural test fails on a verb written but never registered.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Core's own verbs; every other app registers its `verbs.VERBS` in its AppConfig.ready.
VERBS: dict[str, str | Promise] = {
    "create_user": _("创建账号"),
    "activate_user": _("启用账号"),
    "deactivate_user": _("停用账号"),
    "set_division": _("设置区划"),
    "assign_role": _("分配角色"),
    "revoke_role": _("收回角色"),
    "unlock_user": _("解除锁定"),
    "reset_password": _("重置密码"),
    "change_password": _("修改密码"),
    "enable_2fa": _("启用双因素认证"),
    "reset_2fa": _("重置双因素认证"),
    "verify_2fa": _("双因素验证通过"),
    "verify_2fa_failed": _("双因素验证失败"),
    "create_api_token": _("签发接口令牌"),
    "prune_audit_log": _("清理过期审计日志"),
    "division_shapes": _("生成区划边界"),
    "import_division_shapes": _("导入区划边界"),
}

VERB_LABELS: dict[str, str | Promise] = dict(VERBS)


class VerbCollision(ValueError):
    pass


def register_verbs(labels: dict[str, str | Promise]) -> None:
    clash = sorted(v for v in labels if v in VERB_LABELS and VERB_LABELS[v] is not labels[v])
    if clash:
        raise VerbCollision(f"audit verbs registered twice: {', '.join(clash)}")
    VERB_LABELS.update(labels)


def is_registered(verb: str) -> bool:
    return not verb or verb in VERB_LABELS


def verb_label(verb: str) -> str:
    return str(VERB_LABELS.get(verb, verb))
