from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fangkong.core import audit
from fangkong.core.accounts import do_assign_role, do_revoke_role
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditSource, Module, Role
from fangkong.core.models import User


class Command(BaseCommand):
    help = "分配或收回角色(三员不可兼任)/ assign or revoke a role"

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("--module", default="", choices=["", *Module.values])
        parser.add_argument("--revoke", action="store_true", help="收回 / revoke instead of assign")

    def handle(self, *args, username: str, role: str, module: str, revoke: bool, **opts) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"账号不存在:{username}")
        with audit.audit_context(source=AuditSource.CLI):
            try:
                if revoke:
                    do_revoke_role(user, role, module, acting_user=SYSTEM)
                else:
                    do_assign_role(user, role, module, acting_user=SYSTEM)
            except ValidationError as e:
                raise CommandError("; ".join(e.messages)) from e
        self.stdout.write(f"{'已收回' if revoke else '已分配'} {username}: {Role(role).label}")
