"""OpenAPI schema hooks: every TextChoices of every app's choices.py gets one stable enum name;
times of day are documented as DRF writes them; the error statuses every operation may answer
(400, 401, 403, 404) are documented with their bodies.

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


# DRF writes a TimeField as "08:00:00" (local time, no offset), which is not JSON Schema's "time"
# (RFC 3339 full-time carries an offset): document it as the pattern it is.
LOCAL_TIME = {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?$", "example": "08:00:00"}
ERROR = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"],
         "description": "错误说明(中文)"}
VALIDATION_ERRORS = {
    "type": "object", "description": "每个字段(或 detail / non_field_errors)的错误说明(中文)",
    "additionalProperties": {"anyOf": [{"type": "string"}, {"type": "array"}, {"type": "object"}]},
}
ERROR_RESPONSES = {
    "400": ("请求参数或内容有误", "ValidationErrors"),
    "401": ("未登录或令牌无效", "Error"),
    "403": ("没有权限(或账号已锁定)", "Error"),
    "404": ("不存在,或不在您的管辖范围内", "Error"),
    "415": ("请求内容的类型或格式无法解析", "Error"),
}


def _local_times(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("format") == "time":
            del node["format"]
            node.update({k: v for k, v in LOCAL_TIME.items() if k != "type"})
        for value in node.values():
            _local_times(value)
    elif isinstance(node, list):
        for value in node:
            _local_times(value)


def postprocess_errors_and_times(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """Times of day as DRF writes them; 400 / 401 / 403 / 404 / 415 documented where they can happen:
    404 on every path with an id and every paginated list, 400 on every write and every filtered list,
    415 on every operation with a body, 401 / 403 on all."""
    _local_times(result.get("components", {}))
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationErrors", VALIDATION_ERRORS)
    for path, item in result.get("paths", {}).items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete") or path == "/api/schema/":
                continue
            wanted = ["401", "403"]
            query = [p.get("name") for p in op.get("parameters", []) if p.get("in") == "query"]
            if "{" in path or "page" in query:  # an object not found, or a page past the last
                wanted.append("404")
            if method != "get" or query:
                wanted.append("400")
            if "requestBody" in op:  # a body whose media type (or multipart framing) can't be parsed
                wanted.append("415")
            responses = op.setdefault("responses", {})
            for status in wanted:
                description, component = ERROR_RESPONSES[status]
                responses.setdefault(status, {"description": description, "content": {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}}})
    return result
