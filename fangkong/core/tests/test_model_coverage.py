"""Meta-tests: every scoped model, every API endpoint and every generic page has a test class built
on the shared mixins of fangkong.core.testkit(_pages), so a new model in any app cannot ship untested."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from fangkong.core.scoping import ScopedModel
from fangkong.core.testkit import APITests, ModelTestCase, ScopeTests, ViewTests
from fangkong.core.views.generic import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView

# A model's class must at least test reading through one of these.
READ_MIXINS = (ScopeTests.Read, ScopeTests.Restrict, APITests.Get, APITests.List, ViewTests.List, ViewTests.Detail)

# Debts, by owner: each line goes when its app adds a class on the mixins (the test below
# fails on a stale line, so this list only shrinks). Nothing new may be added here.
SCOPED_MODELS_WITHOUT_TESTS: dict[str, set[str]] = {}
ENDPOINTS_WITHOUT_MIXINS = {
    # Not division-scoped (auditors see the whole log): tested in test_api_audit_log.py.
    "core": {"auditlog"},
}
# POST actions of a whole list (`@action(detail=False)`) have no object to be in or out of
# scope, so APITests.Actions does not fit them; each names the module that tests it.
ACTIONS_WITHOUT_MIXINS = {
    "control-measure-start": "control: starting a measure, tested in control/tests/test_api.py",
    "screening-lead-ingest": "screening: a list of leads as one batch, tested in screening/tests/test_mixins.py",
    "tracing-copresencerun-start": "tracing: a co-presence run, tested in tracing/tests/test_copresence_mixins.py",
}


def _flat(by_app: dict[str, set[str]], qualify: bool) -> set[str]:
    return {f"{app}.{name}" if qualify else name for app, names in by_app.items() for name in names}


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def model_test_classes() -> list[type[ModelTestCase]]:
    """Every collected test class built on the mixins, after importing every app's tests."""
    for config in apps.get_app_configs():
        if not config.name.startswith("fangkong."):
            continue
        try:
            package = importlib.import_module(f"{config.name}.tests")
        except ModuleNotFoundError:
            continue
        for info in pkgutil.iter_modules(package.__path__):
            if info.name.startswith("test_"):
                importlib.import_module(f"{package.__name__}.{info.name}")
    return [
        c for c in _subclasses(ModelTestCase)
        if c.__name__.startswith("Test") and getattr(c, "model", None) and issubclass(c, READ_MIXINS)
    ]


def api_viewsets() -> dict[str, tuple[Any, set[str]]]:
    """basename → (viewset class, actions routed: "list", "retrieve", … and @action names) for
    every router-registered viewset with a model; the basename is the router's own."""
    found: dict[str, tuple[Any, set[str]]] = {}

    def walk(patterns: list) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns)
            elif isinstance(p, URLPattern) and getattr(p.callback, "actions", None) and p.name:
                cls = p.callback.cls
                if getattr(cls, "queryset", None) is None:
                    continue  # an upload or a calculation: no model, no CRUD
                basename = p.callback.initkwargs.get("basename") or p.name.rsplit("-", 1)[0]
                _cls, actions = found.setdefault(basename, (cls, set()))
                actions.update(p.callback.actions.values())

    walk(get_resolver().url_patterns)
    return found


def test_every_scoped_model_has_a_test_class_built_on_the_mixins(db):
    covered = {c.model._meta.label_lower for c in model_test_classes()}
    scoped = {m._meta.label_lower for m in apps.get_models() if issubclass(m, ScopedModel)}
    allowed = _flat(SCOPED_MODELS_WITHOUT_TESTS, qualify=True)
    missing = scoped - covered - allowed
    assert not missing, (
        f"ScopedModels without a test class on fangkong.core.testkit's mixins: {sorted(missing)} — "
        "add a class like registry/tests/test_api_residents.py::TestResidentScope (ScopeTests.Read at least)"
    )
    stale = allowed & covered
    assert not stale, f"remove {sorted(stale)} from SCOPED_MODELS_WITHOUT_TESTS: they have tests now"
    unknown = allowed - scoped
    assert not unknown, f"SCOPED_MODELS_WITHOUT_TESTS names no scoped model: {sorted(unknown)}"


def test_every_api_endpoint_has_mixin_tests_for_each_method(db):
    classes = model_test_classes()
    allowed = _flat(ENDPOINTS_WITHOUT_MIXINS, qualify=False)
    endpoints = api_viewsets()
    assert not allowed - set(endpoints), f"ENDPOINTS_WITHOUT_MIXINS names no endpoint: {allowed - set(endpoints)}"
    for basename, (viewset, actions) in endpoints.items():
        if basename in allowed:
            assert not [c for c in classes if getattr(c, "api_basename", None) == basename], (
                f"remove {basename!r} from ENDPOINTS_WITHOUT_MIXINS: it has tests now")
            continue
        tests = [c for c in classes if getattr(c, "api_basename", None) == basename]
        assert tests, f"/api/ endpoint {basename!r} ({viewset.__name__}) has no APITests class"
        needed = {APITests.Get, APITests.List}
        needed |= {APITests.Create} if "create" in actions else set()
        needed |= {APITests.Update} if actions & {"update", "partial_update"} else set()
        needed |= {APITests.Delete} if "destroy" in actions else set()
        lacking = {m.__name__ for m in needed if not any(issubclass(c, m) for c in tests)}
        assert not lacking, f"/api/ endpoint {basename!r} lacks the APITests mixins {sorted(lacking)}"
        listed = {a for c in _subclasses(APITests.Actions)
                  if c.__name__.startswith("Test") and c.api_basename == basename for a in c.api_actions}
        for extra in viewset.get_extra_actions():
            name = f"{basename}-{extra.url_name}"
            if "post" not in extra.mapping or name in ACTIONS_WITHOUT_MIXINS:
                continue
            assert extra.detail and extra.url_name in listed, (
                f"/api/ action {name!r} (POST) is not in the api_actions of an APITests.Actions class")
    stale = {name for name in ACTIONS_WITHOUT_MIXINS if not _routed(name)}
    assert not stale, f"ACTIONS_WITHOUT_MIXINS names no routed action: {sorted(stale)}"


def generic_pages() -> dict[str, type]:
    """`app:name` → view class for every routed page built on core.views.generic."""
    found: dict[str, type] = {}

    def walk(patterns: list, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name and isinstance(getattr(p.callback, "view_class", None), type):
                cls = p.callback.view_class
                if issubclass(cls, ObjectListView | ObjectDetailView | ObjectEditView | ObjectDeleteView):
                    found[f"{namespace}{p.name}"] = cls

    walk(get_resolver().url_patterns, "")
    return found


# A generic page of each kind needs a test class on the mixin that runs it (see core/testkit_pages.py).
PAGE_MIXINS = {
    ObjectListView: ("list_url_name", ViewTests.List),
    ObjectDetailView: ("detail_url_name", ViewTests.Detail),
    ObjectDeleteView: ("delete_url_name", ViewTests.Delete),
}


def test_every_generic_page_has_mixin_tests_against_it(db):
    classes = model_test_classes()
    pages = generic_pages()
    assert pages, "no page is built on core.views.generic"
    for name, view in pages.items():
        if issubclass(view, ObjectEditView):
            kind = "edit_url_name" if name.endswith("_edit") else "add_url_name"
            mixin = ViewTests.Edit if kind == "edit_url_name" else ViewTests.Create
        else:
            kind, mixin = next(v for k, v in PAGE_MIXINS.items() if issubclass(view, k))
        tested = [c for c in classes if getattr(c, kind, None) == name and issubclass(c, mixin)]
        assert tested, f"page {name!r} ({view.__name__}) has no test class on {mixin.__qualname__} (core/testkit_pages.PageTests.Full)"


def _routed(url_name: str) -> bool:
    try:
        reverse(url_name)
    except NoReverseMatch:
        return False
    return True


def test_the_mixins_are_not_collected_on_their_own():
    """Only a model's class runs the tests; the mixins have no data to run them with."""
    for mixin in (APITests.Full, APITests.ReadOnly, APITests.Actions, ViewTests.List, ScopeTests.Full,
                  ScopeTests.Restrict, ModelTestCase):
        assert not mixin.__name__.startswith("Test")
