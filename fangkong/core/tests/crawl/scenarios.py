"""The counties the crawl runs on, each built inside a transaction that is rolled back afterwards,
so the tests that run later still find the plain synthetic county of conftest.py.

- `demo`: the test county plus `seed_demo_activity` (leads, tasks, measures, a sampling round
  with results);
- `empty`: divisions and accounts only (no residents, no activity);
- `bare`: demo activity without exemptions, risk areas or test results (the coverage edge of
  #18.1);
- `english`: the demo county with every stored text made Latin, so that any Han character left
  on an English page is platform text that was not translated.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from unittest import mock

from django.apps import apps
from django.core.management import call_command
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Cast, Concat, Left
from django.test import TestCase

from fangkong.core.choices import Module
from fangkong.core.testkit import NAMED_USERS

from .kit import HAN

# The named accounts (grid_neighbour exists only in bigger counties) and the three roles of one
# module (the other modules' accounts see the same pages with another module's data).
MODULE_USERS = tuple(f"{Module.BIG_DATA.value}_{suffix}" for suffix in ("lead", "admin", "reviewer"))
ROLES = tuple(u for u in NAMED_USERS if u != "grid_neighbour") + MODULE_USERS


@contextlib.contextmanager
def county(django_db_blocker, *builders: Callable[[], object]) -> Iterator[None]:
    """For a module-scoped fixture: the test county changed by `builders`, for as long as the
    module runs, then rolled back."""
    with django_db_blocker.unblock(), rolled_back():
        for build in builders:
            build()
        yield


@contextlib.contextmanager
def rolled_back() -> Iterator[None]:
    """A transaction around a whole test module, rolled back at its end (on_commit callbacks of
    what runs inside are executed where they are registered, as after a commit)."""
    from fangkong.control import pending

    with transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)
            pending._cache["ids"] = None


def seed_demo(*, results: bool = True) -> None:
    """seed_demo_activity on the test county; `results=False` leaves the sampled tubes without results."""
    patch = contextlib.nullcontext() if results else mock.patch(
        "fangkong.testing.ingest.do_import_results", lambda *args, **kwargs: None)
    with patch, TestCase.captureOnCommitCallbacks(execute=True):
        call_command("seed_demo_activity", "--seed", "7", verbosity=0)


def empty_registry() -> None:
    """Remove residents and households: a county of divisions and accounts only."""
    from fangkong.registry.models import Household, Resident

    with TestCase.captureOnCommitCallbacks(execute=True):
        Resident._base_manager.all().delete()
        Household._base_manager.all().delete()


def strip_exemptions_and_risk_areas() -> None:
    from fangkong.control.models import RiskArea
    from fangkong.testing.models import Exemption

    Exemption._base_manager.all().delete()
    RiskArea._base_manager.all().delete()


def _latin(value: object, token: str) -> object:
    if isinstance(value, str):
        return token if HAN.search(value) else value
    if isinstance(value, dict):
        return {k: _latin(v, token) for k, v in value.items()}
    if isinstance(value, list):
        return [_latin(v, token) for v in value]
    return value


def latinize_data() -> int:
    """Replace every stored text that holds Han characters by a Latin token ("Resident-12-name").

    Names, addresses, notes and the texts the platform stored (notification titles, audit
    representations) are data: on an English page they stay as entered. Made Latin, they can
    no longer hide the platform's own untranslated text. Returns the number of values changed.
    """
    from fangkong.core.testkit.audit_trigger import audit_log_writable

    changed = 0
    with audit_log_writable():  # audit rows are rewritten too: test data, not a record
        for model in apps.get_models():
            if not model.__module__.startswith("fangkong.") or model._meta.proxy or model._meta.pk.name == "pk":
                continue
            for f in model._meta.concrete_fields:
                if f.choices or f.primary_key:
                    continue
                if isinstance(f, (models.CharField, models.TextField)):
                    changed += _latinize_column(model, f)
                elif isinstance(f, models.JSONField):
                    changed += _latinize_json(model, f)
    return changed


def _latinize_column(model: type[models.Model], f: models.Field) -> int:
    token = Concat(Value(f"{model.__name__}-"), Cast("pk", models.CharField()), Value(f"-{f.name}"),
                   output_field=models.CharField())
    if f.max_length:
        token = Left(token, f.max_length)
    return model._base_manager.filter(**{f"{f.name}__regex": HAN.pattern}).update(**{f.name: token})


def _latinize_json(model: type[models.Model], f: models.Field) -> int:
    rows = []
    for obj in model._base_manager.only("pk", f.name).iterator(chunk_size=2000):
        value = getattr(obj, f.attname)
        if value and HAN.search(json.dumps(value, ensure_ascii=False, default=str)):
            setattr(obj, f.attname, _latin(value, f"{model.__name__}-{obj.pk}-{f.name}"))
            rows.append(obj)
    model._base_manager.bulk_update(rows, [f.name], batch_size=500)
    return len(rows)
