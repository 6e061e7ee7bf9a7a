from django.core.management.base import BaseCommand

from fangkong.registry.generator import DEMO_PASSWORD, named_users


class Command(BaseCommand):
    help = "列出演示账号 / list the demo accounts"

    def handle(self, *args, **opts) -> None:
        users = named_users()
        if not users:
            self.stdout.write("没有演示账号 / no demo accounts")
            return
        self.stdout.write(f"演示账号 / demo accounts — 密码 password: {DEMO_PASSWORD}")
        for name, user in sorted(users.items()):
            roles = ", ".join(str(r) for r in user.roles.all())
            self.stdout.write(f"  {name:<26} {roles} @ {user.division.name}")
