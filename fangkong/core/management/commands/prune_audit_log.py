from django.core.management.base import BaseCommand

from fangkong.core.jobs import prune_audit_log


class Command(BaseCommand):
    help = "删除超过保存期限(AUDIT_RETENTION_DAYS,至少 180 天)的审计日志 / prune old audit rows"

    def handle(self, *args, **opts) -> None:
        deleted = prune_audit_log()
        self.stdout.write(f"已删除 {deleted} 条审计日志 / deleted {deleted} audit rows")
