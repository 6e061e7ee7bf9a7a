"""OpenAPI schema hooks: every TextChoices of every app's choices.py gets one stable enum name.

drf-spectacular names an enum after the field that uses it; as apps add `kind`, `status`,
`channel` … with different choice sets, the names collide and the schema generates with
warnings. Naming each enum after its choices class (`ModuleEnum`, `BatchStatusEnum`; the app
label in front when two apps use the same class name) keeps names stable and unique.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from django.apps import apps
from django.db import models
from drf_spectacular import hooks, plumbing
from drf_spectacular.settings import spectacular_settings


def choice_enum_names() -> dict[str, str]:
    """Enum component name → dotted path of a TextChoices / IntegerChoices class."""
    found: dict[str, list[tuple[str, type]]] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("fangkong."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.choices")
        except ModuleNotFoundError:
            continue
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, models.Choices) and obj.__module__ == module.__name__:
                found.setdefault(name, []).append((config.label, obj))
    names, seen = {}, set()
    for name, entries in found.items():
        for label, cls in entries:
            # Two classes with the very same choices are one enum: the first name wins.
            choice_set = tuple((v, str(lbl)) for v, lbl in cls.choices if v not in ("", None))
            if choice_set in seen:
                continue
            seen.add(choice_set)
            key = f"{name}Enum" if len(entries) == 1 else f"{label.capitalize()}{name}Enum"
            names[key] = f"{cls.__module__}.{cls.__qualname__}"
    return names


def postprocess_schema_enums(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular's enum post-processing, with the choices classes' names as overrides
    (explicit ENUM_NAME_OVERRIDES in settings still win)."""
    original = spectacular_settings.ENUM_NAME_OVERRIDES
    spectacular_settings.ENUM_NAME_OVERRIDES = {**choice_enum_names(), **original}
    plumbing._load_enum_name_overrides.cache_clear()
    try:
        return hooks.postprocess_schema_enums(result, generator, **kwargs)
    finally:
        spectacular_settings.ENUM_NAME_OVERRIDES = original
        plumbing._load_enum_name_overrides.cache_clear()
