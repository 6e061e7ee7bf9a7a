"""Chinese names of the business verbs written to the audit log (`AuditLog.verb`).

Each app adds its own verbs with `register_verbs` (from its AppConfig.ready or actions module);
the audit pages show the name, or the identifier itself when none is registered.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

VERB_LABELS: dict[str, str | Promise] = {
    "create_user": _("创建账号"),
    "activate_user": _("启用账号"),
    "deactivate_user": _("停用账号"),
    "set_division": _("设置区划"),
    "assign_role": _("分配角色"),
    "revoke_role": _("收回角色"),
    "unlock_user": _("解除锁定"),
    "create_api_token": _("签发接口令牌"),
    "generate_county": _("生成示范县"),
    "prune_audit_log": _("清理过期审计日志"),
}


def register_verbs(labels: dict[str, str | Promise]) -> None:
    VERB_LABELS.update(labels)


def verb_label(verb: str) -> str:
    return str(VERB_LABELS.get(verb, verb))
