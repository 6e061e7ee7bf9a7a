"""How stored codes read on a page: model names, choice labels and audit changes (#18.13).

The audit log stores what a machine needs (`registry.resident`, field attnames, enum values,
ISO timestamps in UTC); a reader needs the model's Chinese name, the field's label, the
choice's label and the local time. These helpers translate one into the other without
touching what is stored.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

EMPTY = "—"


@cache
def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def model_label(object_type: str) -> str:
    """`registry.resident` → the model's verbose name (居民); an unknown type as it is."""
    model = _model(object_type) if object_type else None
    return str(model._meta.verbose_name) if model is not None else object_type


@cache
def _choices(path: str) -> dict[str, Any]:
    return dict(import_string(path).choices)


def choice_label(value: Any, choices_path: str) -> str:
    """The label of `value` in the TextChoices at `choices_path`, or the value itself when it is
    not one of them (a free-text field that usually holds a code, like Lead.source)."""
    if value in (None, ""):
        return ""
    return str(_choices(choices_path).get(value, value))


@cache
def choice_classes() -> tuple[tuple[str, type[models.TextChoices]], ...]:
    """Every TextChoices of the project's apps (their choices.py), with its class name; found at
    run time, so that core imports no app."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("fangkong."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.choices")
        except ModuleNotFoundError:
            continue
        found += [(name, obj) for name, obj in vars(module).items()
                  if isinstance(obj, type) and issubclass(obj, models.TextChoices) and obj is not models.TextChoices]
    return tuple(found)


@cache
def _code_labels() -> dict[str, Any]:
    """Every TextChoices value that means one thing wherever it is used, with its (lazy) label:
    for codes stored inside lists and dicts, where no field says which choices they come from."""
    labels: dict[str, dict[str, Any]] = {}
    with translation.override("zh-hans"):
        for _name, choices in choice_classes():
            for member in choices:
                labels.setdefault(member.value, {})[str(member.label)] = member.label
    return {value: next(iter(found.values())) for value, found in labels.items() if len(found) == 1}


@cache
def _choices_named() -> dict[str, type[models.TextChoices]]:
    """The TextChoices by their snake-case name (`Module` → "module"): a key such as "module" in
    a dict of changes says which choices a code comes from."""
    named: dict[str, type[models.TextChoices]] = {}
    for name, choices in choice_classes():
        named.setdefault(re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower(), choices)
    return named


def _keyed(value: Any, key: str) -> Any:
    """`value`'s label in the choices the key names, or None."""
    choices = _choices_named().get(key)
    if choices is None or not isinstance(value, str):
        return None
    return dict(choices.choices).get(value)


def stamp(moment: dt.datetime | dt.date | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored time as text in the local time zone, as the pages show it (objects' names: a
    select's options, the audit log's object column); "" for none."""
    if moment is None:
        return ""
    if isinstance(moment, dt.datetime) and timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime(fmt)


def local_time(value: str) -> str:
    """An ISO date or time as the page shows times: local time zone, to the minute."""
    moment = parse_datetime(value) if "T" in value or " " in value else None
    if moment is not None:
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "Y-m-d H:i")
    day = parse_date(value) if len(value) == 10 else None
    return formats.date_format(day, "Y-m-d") if day else value


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    for f in model._meta.concrete_fields:
        if name in (f.name, f.attname):
            return f
    return None


def readable(value: Any, field: models.Field | None = None, key: str = "") -> str:
    """One stored value as a reader should see it (`key`: the name it was stored under)."""
    if value is None or value == "":
        return EMPTY
    if field is None and key and (label := _keyed(value, key)) is not None:
        return str(label)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if field is not None and field.choices and not isinstance(value, list | dict):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, str) and isinstance(field, models.DateTimeField | models.DateField):
        return local_time(value)
    if isinstance(value, str) and len(value) >= 16 and value[4:5] == "-" and value[10:11] == "T":
        return local_time(value)  # a timestamp stored under a key that is not a field
    if field is not None and field.is_relation and not isinstance(value, list | dict):
        return f"#{value}"
    if isinstance(value, list):
        if value and all(isinstance(v, list) for v in value):  # rows, e.g. steps [[kind, days], …]
            return "、".join(" ".join(readable(x) for x in v) for v in value)
        return "、".join(readable(v) for v in value) or EMPTY
    if isinstance(value, dict):
        return ";".join(f"{k}:{readable(v)}" for k, v in value.items()) or EMPTY
    if isinstance(value, str) and value in _code_labels():
        return str(_code_labels()[value])
    return str(value)


@dataclass(frozen=True)
class Change:
    label: str
    before: str | None  # None: the row records a value, not a change
    after: str


def _is_diff(changes: dict[str, Any]) -> bool:
    return all(isinstance(v, list) and len(v) == 2 for v in changes.values())


def audit_changes(object_type: str, changes: Any) -> list[Change]:
    """An audit row's `changes` as labelled lines: `{field: [before, after]}` becomes
    "字段: 旧值 → 新值"; any other dict (a job's counts, an export's filter) "键: 值"."""
    if not changes:
        return []
    if not isinstance(changes, dict):
        return [Change(_("内容"), None, readable(changes))]
    model = _model(object_type) if object_type else None
    diff = _is_diff(changes)
    out = []
    for key, value in changes.items():
        field = _field(model, key)
        label = str(field.verbose_name) if field is not None else key
        if diff:
            out.append(Change(label, readable(value[0], field, key), readable(value[1], field, key)))
        else:
            out.append(Change(label, None, readable(value, field, key)))
    return out

