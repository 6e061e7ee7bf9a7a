"""Configuration problems surface as system checks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_production(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    if settings.PRODUCTION and settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        errors.append(
            checks.Warning(
                "生产环境建议使用 PostgreSQL / production should use PostgreSQL",
                hint="Set DATABASE_URL=postgres://…", id="fangkong.W001",
            )
        )
    if settings.AUDIT_RETENTION_DAYS < 180:
        errors.append(checks.Error("审计日志至少保留180天", id="fangkong.E001"))
    return errors


@checks.register(checks.Tags.models)
def check_scoped_models(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Every scoped model must say who may view it; a model without roles is invisible to all."""
    from django.apps import apps

    from .scoping import ScopedModel

    errors = []
    for model in apps.get_models():
        if issubclass(model, ScopedModel) and not model.scope_roles.get("view"):
            errors.append(checks.Error(f"{model._meta.label} 未声明 scope_roles['view']", id="fangkong.E002"))
    return errors


@checks.register(checks.Tags.staticfiles)
def check_static_root(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Production serves hashed static names from STATIC_ROOT's manifest: without it every page
    answers 500. `fangkong serve` collects them before starting; this names the cause otherwise."""
    from pathlib import Path

    if settings.PRODUCTION and not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        return [checks.Warning(
            f"静态文件尚未收集,页面将无法显示 / STATIC_ROOT {settings.STATIC_ROOT} holds no collected static files",
            hint="Run `fangkong collectstatic --noinput` (fangkong serve does it before starting).",
            id="fangkong.W002",
        )]
    return []
