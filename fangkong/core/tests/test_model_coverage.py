"""Meta-tests: every scoped model and every API endpoint has a test class built on the shared
mixins of fangkong.core.testing, so a new model in any app cannot ship untested."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from fangkong.core.scoping import ScopedModel
from fangkong.core.testing import APITests, ModelTestCase, ScopeTests, ViewTests

# Keep these short: each entry names who will remove it.
SCOPED_MODELS_WITHOUT_TESTS: dict[str, str] = {}
ENDPOINTS_WITHOUT_MIXINS = {
    # Not division-scoped (auditors see the whole log); see test_api_audit_log.py.
    "auditlog": "core: the audit log API, tested in test_api_audit_log.py",
    # Model-less viewsets: no rows to scope, so the mixins have nothing to run on.
    "testing-results": "testing: a lab-result upload (POST only), tested in testing/tests/test_upload.py",
    "testing-planning": "testing: a pooling plan computed from the query, tested in testing/tests/test_planning.py",
}

# POST actions of a whole list (`@action(detail=False)`): no object to be in or out of scope,
# so APITests.Actions does not fit; each names the module that tests it.
ACTIONS_WITHOUT_MIXINS = {
    "control-measure-start": "control: starting a measure, tested in control/tests/test_api.py",
    "screening-lead-ingest": "screening: a list of leads as one batch, tested in screening/tests/test_mixins.py",
}


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
    return [c for c in _subclasses(ModelTestCase) if c.__name__.startswith("Test") and getattr(c, "model", None)]


# The router's standard actions and the mixin that tests each; extra actions (`@action`
# routes such as /measures/{id}/release/) belong to their viewset's basename and are tested
# in the app's own modules.
STANDARD_ACTION_MIXINS = {
    "list": APITests.List, "retrieve": APITests.Get, "create": APITests.Create,
    "update": APITests.Update, "partial_update": APITests.Update, "destroy": APITests.Delete,
}


def api_viewsets() -> dict[str, tuple[Any, set[str]]]:
    """basename → (viewset class, actions routed: "list", "retrieve", … and extra actions) for
    every router-registered viewset; the basename is the router's, not guessed from URL names."""
    found: dict[str, tuple[Any, set[str]]] = {}

    def walk(patterns: list) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns)
            elif isinstance(p, URLPattern) and getattr(p.callback, "actions", None):
                basename = p.callback.initkwargs.get("basename")
                if basename is None:  # a viewset routed by hand, not by a router
                    basename = p.name.rsplit("-", 1)[0]
                _cls, routed = found.setdefault(basename, (p.callback.cls, set()))
                routed.update(p.callback.actions.values())

    walk(get_resolver().url_patterns)
    return found


def test_every_scoped_model_has_a_test_class_built_on_the_mixins(db):
    covered = {c.model._meta.label_lower for c in model_test_classes()}
    scoped = {m._meta.label_lower for m in apps.get_models() if issubclass(m, ScopedModel)}
    missing = scoped - covered - set(SCOPED_MODELS_WITHOUT_TESTS)
    assert not missing, (
        f"ScopedModels without a test class on fangkong.core.testing's mixins: {sorted(missing)} — "
        "add a class like registry/tests/test_api_residents.py::TestResidentAPI"
    )
    stale = set(SCOPED_MODELS_WITHOUT_TESTS) & covered
    assert not stale, f"remove {sorted(stale)} from SCOPED_MODELS_WITHOUT_TESTS: they have tests now"
    unknown = set(SCOPED_MODELS_WITHOUT_TESTS) - scoped
    assert not unknown, f"SCOPED_MODELS_WITHOUT_TESTS names no scoped model: {sorted(unknown)}"


def test_every_api_endpoint_has_mixin_tests_for_each_method(db):
    classes = model_test_classes()
    for basename, (viewset, routed) in api_viewsets().items():
        if basename in ENDPOINTS_WITHOUT_MIXINS:
            continue
        tests = [c for c in classes if getattr(c, "api_basename", None) == basename]
        assert tests, f"/api/ endpoint {basename!r} ({viewset.__name__}) has no APITests class"
        needed = {STANDARD_ACTION_MIXINS[a] for a in routed if a in STANDARD_ACTION_MIXINS}
        lacking = {m.__name__ for m in needed if not any(issubclass(c, m) for c in tests)}
        assert not lacking, f"/api/ endpoint {basename!r} lacks the APITests mixins {sorted(lacking)}"
        listed = {a for c in tests if issubclass(c, APITests.Actions) for a in c.api_actions}
        for extra in viewset.get_extra_actions():
            name = f"{basename}-{extra.url_name}"
            if "post" not in extra.mapping or name in ACTIONS_WITHOUT_MIXINS:
                continue
            assert extra.detail and extra.url_name in listed, (
                f"/api/ action {name!r} (POST) is not in the api_actions of an APITests.Actions class")
    stale = {name for name in ACTIONS_WITHOUT_MIXINS if not _routed(name)}
    assert not stale, f"ACTIONS_WITHOUT_MIXINS names no routed action: {sorted(stale)}"


def _routed(url_name: str) -> bool:
    try:
        reverse(url_name)
    except NoReverseMatch:
        return False
    return True


def test_the_mixins_are_not_collected_on_their_own():
    """Only a model's class runs the tests; the mixins have no data to run them with."""
    for mixin in (APITests.Full, APITests.ReadOnly, ViewTests.List, ScopeTests.Restrict, ModelTestCase):
        assert not mixin.__name__.startswith("Test")
