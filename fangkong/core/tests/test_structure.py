"""The platform's structure, checked on the source: what a review would otherwise have to catch.

- every state change goes through an action: no view, API, admin or form module writes a model;
- every `do_*` takes a required keyword-only `acting_user` and is an `@action`;
- division subtree filters are written only in core (`core.scoping.in_subtree`);
- core imports no domain app;
- no source file is over 500 lines;
- no bare string stands where a `TextChoices` member exists (in `.filter()` and `==`);
- every audit verb written in the code is registered (collisions fail at start-up).

Each check runs per app (`-k screening`), so a failure names where to look.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from functools import cache
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models

ROOT = Path(__file__).resolve().parents[2]  # fangkong/
APPS = sorted(p.name for p in ROOT.iterdir() if (p / "apps.py").exists())
MAX_LINES = 500
WRITE_CALLS = {"save", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
QUERY_CALLS = {"create", "update"}
QUERYSET_HINTS = {"objects", "filter", "exclude", "all", "restrict", "select_for_update", "select_related",
                  "_base_manager", "_default_manager", "none", "order_by", "get_queryset"}


def _sources(app: str) -> list[Path]:
    return sorted(p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts and "tests" not in p.parts)


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT.parent))


def _is_page_module(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return any(p in ("views", "api") for p in parts[1:-1]) or parts[-1] in (
        "views.py", "admin.py", "forms.py", "api.py")


def _chain_names(node: ast.AST) -> set[str]:
    """Attribute and call names along a receiver expression (`Model.objects.filter(…)`)."""
    names: set[str] = set()
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return names


def _writes(path: Path) -> list[str]:
    found = []
    for node in ast.walk(_tree(path)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name = node.func.attr
        if name in WRITE_CALLS or (name in QUERY_CALLS and _chain_names(node.func.value) & QUERYSET_HINTS):
            found.append(f"{_rel(path)}:{node.lineno} .{name}()")
    return found


@pytest.mark.parametrize("app", APPS)
def test_it_writes_only_through_actions(app):
    found = [w for p in _sources(app) if _is_page_module(p) for w in _writes(p)]
    assert found == [], "views, API, admin and forms write through actions (do_*):\n" + "\n".join(found)


def _action_functions(app: str):
    for path in _sources(app):
        for node in _tree(path).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("do_"):
                yield path, node


@pytest.mark.parametrize("app", APPS)
def test_it_gives_every_action_a_keyword_only_acting_user(app):
    bad = []
    for path, fn in _action_functions(app):
        kwonly = {a.arg: d for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults, strict=True)}
        decorated = any(
            (isinstance(d, ast.Name) and d.id == "action") or (isinstance(d, ast.Attribute) and d.attr == "action")
            for d in fn.decorator_list
        )
        if "acting_user" not in kwonly or kwonly["acting_user"] is not None or not decorated:
            bad.append(f"{_rel(path)}:{fn.lineno} {fn.name}")
    assert bad == [], "every do_* is an @action with a required keyword-only acting_user:\n" + "\n".join(bad)


@pytest.mark.parametrize("app", APPS)
def test_it_filters_division_subtrees_only_in_core(app):
    if app == "core":
        return
    found = [f"{_rel(p)}:{i}" for p in _sources(app)
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if "path__startswith" in line or "__path__" in line and "startswith" in line]
    assert found == [], "use core.scoping.in_subtree (or restrict):\n" + "\n".join(found)


def test_it_keeps_core_free_of_domain_apps():
    domain = set(APPS) - {"core"}
    found = []
    for path in _sources("core"):
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.ImportFrom):
                mod = node.module or ""
                parts = mod.split(".")
                if (mod.startswith("fangkong.") and len(parts) > 1 and parts[1] in domain) or (
                        node.level >= 2 and parts[0] in domain):
                    found.append(f"{_rel(path)}:{node.lineno} {mod}")
            elif isinstance(node, ast.Import):
                found += [f"{_rel(path)}:{node.lineno} {a.name}" for a in node.names
                          if a.name.split(".")[:2][-1] in domain and a.name.startswith("fangkong.")]
    assert found == [], "core imports no domain app (define events in core, register from the app):\n" + \
        "\n".join(found)


@pytest.mark.parametrize("app", APPS)
def test_it_keeps_files_under_500_lines(app):
    paths = [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]
    long = [f"{_rel(p)}: {n}" for p in paths if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert long == [], "split by concern:\n" + "\n".join(long)


@cache
def _choice_values() -> frozenset[str]:
    values: set[str] = set()
    for app in APPS:
        try:
            module = importlib.import_module(f"fangkong.{app}.choices")
        except ModuleNotFoundError:
            continue
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, models.TextChoices) and obj is not models.TextChoices:
                values |= {str(v) for v in obj.values if v}
    return frozenset(values)


def _bare_enum_strings(path: Path) -> list[str]:
    values, found = _choice_values(), []
    for node in ast.walk(_tree(path)):
        consts: list[ast.AST] = []
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                "filter", "exclude", "get", "Q", "update") or isinstance(node, ast.Call) and isinstance(
                node.func, ast.Name) and node.func.id == "Q":
            consts = [k.value for k in node.keywords]
        elif isinstance(node, ast.Compare) and any(isinstance(o, ast.Eq | ast.NotEq) for o in node.ops):
            consts = [node.left, *node.comparators]
        found += [f"{_rel(path)}:{c.lineno} {c.value!r}" for c in consts
                  if isinstance(c, ast.Constant) and isinstance(c.value, str) and c.value in values]
    return found


@pytest.mark.parametrize("app", APPS)
def test_it_uses_enums_not_bare_strings(app):
    found = [f for p in _sources(app) for f in _bare_enum_strings(p)]
    assert found == [], "compare with the TextChoices member, not its value:\n" + "\n".join(found)


@pytest.mark.parametrize("app", APPS)
def test_it_registers_every_audit_verb(app):
    from fangkong.core.verbs import is_registered

    found = []
    for path in _sources(app):
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.keyword) and node.arg == "verb" and isinstance(node.value, ast.Constant):
                if isinstance(node.value.value, str) and not is_registered(node.value.value):
                    found.append(f"{_rel(path)}:{node.value.lineno} {node.value.value}")
    assert found == [], "register the verb with its Chinese label in the app's verbs.py:\n" + "\n".join(found)


def test_it_refuses_a_verb_registered_twice():
    from fangkong.core.verbs import VerbCollision, register_verbs

    with pytest.raises(VerbCollision):
        register_verbs({"create_user": "另一个意思"})


def test_it_knows_every_app():
    assert {c.name.split(".")[-1] for c in apps.get_app_configs() if c.name.startswith("fangkong.")} >= set(APPS)
