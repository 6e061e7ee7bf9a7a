import time

from django.core.management.base import BaseCommand, CommandError

from fangkong.core import audit
from fangkong.core.choices import AuditSource
from fangkong.core.models import Division
from fangkong.registry.generator import DEMO_PASSWORD, CountySpec, generate_county


class Command(BaseCommand):
    help = "生成一个合成示范县(确定性、可重复) / build a deterministic synthetic county"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--population", type=int, default=300_000)
        parser.add_argument("--seed", type=int, default=2022)
        parser.add_argument("--code", default="130724", help="six-digit county code (GB/T 2260)")
        parser.add_argument("--name", default="坝上示范县")
        parser.add_argument("--no-users", action="store_true")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when a county exists")

    def handle(self, *args, **opts) -> None:
        if Division.objects.exists():
            if opts["if_empty"]:
                self.stdout.write("已有区划数据,跳过生成 / divisions exist, skipping")
                return
            raise CommandError("数据库中已有区划数据 / the database already holds divisions")
        start = time.perf_counter()
        spec = CountySpec(code=opts["code"], name=opts["name"], population=opts["population"], seed=opts["seed"])
        with audit.audit_context(source=AuditSource.CLI):
            out = generate_county(spec, users=not opts["no_users"])
        secs = time.perf_counter() - start
        self.stdout.write(
            f"{out.county.name}: {len(out.townships)} 乡镇, {len(out.villages)} 村(社区), {len(out.grids)} 网格, "
            f"{out.households} 户, {out.residents} 人 — {secs:.1f} s"
        )
        if out.users:
            self.stdout.write(f"演示账号 / demo accounts (密码 password: {DEMO_PASSWORD}):")
            for name, user in out.users.items():
                self.stdout.write(f"  {name:<28} {user.full_name} @ {user.division.name}")
