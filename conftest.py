"""Test-wide fixtures: every test database holds one small synthetic county and its accounts."""

from __future__ import annotations

import importlib
import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from
# the same thread are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TEST_POPULATION = 3000
TEST_SEED = 7


def build_test_county() -> None:
    from django.apps import apps as django_apps

    from fangkong.registry.generator import CountySpec, generate_county
    from fangkong.sectors.defaults import ensure_default_sectors

    generate_county(CountySpec(population=TEST_POPULATION, seed=TEST_SEED))
    ensure_default_sectors()  # migration data: gone after a live-server test flushed the tables
    for module, seed in MIGRATION_SEEDS:  # the same, each idempotent
        getattr(importlib.import_module(module), seed)(django_apps, None)


# Data the migrations put in (not the county's): a flush takes it, the rebuild puts it back.
MIGRATION_SEEDS = (
    ("fangkong.tracing.migrations.0001_initial", "seed_protocols"),
    ("fangkong.grid.migrations.0002_first_questionnaire", "first_version"),
    ("fangkong.grid.migrations.0008_default_care_templates", "add"),
)


def use_test_county() -> None:
    """Core's test kit imports no app: tell it which county to build and where its named accounts
    are. Called for every test session, and by the test kit itself in a process pytest did not
    start (a test's subprocess)."""
    from fangkong.core.testkit import register_test_county
    from fangkong.registry.generator import named_users

    register_test_county(build_test_county, named_users)


@pytest.fixture(scope="session", autouse=True)
def _test_county_registered() -> None:
    use_test_county()


@pytest.fixture(autouse=True)
def _copresence_store(tmp_path_factory):
    """Each test its own co-presence record store (files, not rows: no transaction rolls them
    back); a subprocess a test starts inherits it through the environment. A patcher of its own,
    so that a test's `monkeypatch.undo()` leaves it in place."""
    from django.conf import settings

    path = str(tmp_path_factory.mktemp("copresence"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FANGKONG_COPRESENCE_STORE", path)
        patch.setattr(settings, "FANGKONG_COPRESENCE_STORE", path)
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        build_test_county()


@pytest.fixture
def users(db):
    """Named accounts per access level (see generator._build_users): users["grid"], users["commander"] …"""
    from fangkong.core.testkit import named_users

    return named_users()


@pytest.fixture
def county(db):
    from fangkong.core.models import Division

    return Division.objects.get(level="county")


@pytest.fixture(scope="module")
def _county_back_after_the_module(django_db_blocker):
    yield
    from fangkong.core.testkit import ensure_test_county

    with django_db_blocker.unblock():
        ensure_test_county()


@pytest.fixture
def restore_county(_county_back_after_the_module, django_db_blocker):
    """live_server tests flush every table afterwards. The test county is put back before each such
    test (a module's second live test finds the first one's flush) and once at the module's end,
    for the tests that run later."""
    from fangkong.core.testkit import ensure_test_county

    with django_db_blocker.unblock():
        ensure_test_county()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the platform's language: a request in English (the English crawls)
    leaves its thread's language active, and text made later in that thread — a notification's
    title — would come out in English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


# Test modules fanned out test by test: many independent, mostly short tests.
SPREAD_MODULES = ("fangkong/tests/test_api_fuzz.py",)
# Packages whose conftest builds a package-scoped county: one worker takes the whole package.
SHARED_PACKAGES = ("fangkong/core/tests/crawl/demo/", "fangkong/core/tests/crawl/english/")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Two tests with one node id would run once under the scheduler below (it keys by node id),
    silently: refuse them."""
    seen: set[str] = set()
    twice = {item.nodeid for item in items if item.nodeid in seen or seen.add(item.nodeid)}
    if twice:
        raise pytest.UsageError(f"tests sharing a node id: {sorted(twice)[:5]}")


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """With `--dist loadscope` (scripts/test): a module runs on one worker, so its module-scoped
    fixtures (a crawl's county, a browser module's restore) are built once, not once per worker;
    a shared package likewise; the fuzzer's operations are spread one by one."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            if module in SPREAD_MODULES:
                return nodeid
            return next((p for p in SHARED_PACKAGES if module.startswith(p)), module)

    return ModuleScheduling(config, log)
