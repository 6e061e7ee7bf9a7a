from django.core.management.base import BaseCommand, CommandError

from fangkong.core import audit
from fangkong.core.accounts import do_create_api_token
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditSource
from fangkong.core.models import User


class Command(BaseCommand):
    help = "为对接系统的账号签发接口令牌(旧令牌作废)/ issue an API token for a system account"

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **opts) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"账号不存在:{username}")
        with audit.audit_context(source=AuditSource.CLI):
            key = do_create_api_token(user, acting_user=SYSTEM)
        self.stdout.write(key)
