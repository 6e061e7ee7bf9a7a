"""The sector list and checklists the platform starts with, seeded by the data migration
`0002_seed_sectors`. `ensure_default_sectors` seeds them again into a database whose tables were
emptied (a flushed test database, after a live-server test), never over data someone edited."""

from __future__ import annotations

import importlib

from django.apps import apps


def ensure_default_sectors() -> int:
    """Seed the 19 sectors and their version-1 checklists when there is no sector at all; returns
    how many sectors were made."""
    from .sentinel_seed import ensure_sentinel_defaults

    Sector = apps.get_model("sectors", "Sector")
    if Sector.objects.exists():
        ensure_sentinel_defaults()
        return 0
    importlib.import_module("fangkong.sectors.migrations.0002_seed_sectors").seed(apps, None)
    ensure_sentinel_defaults()  # the drug catalogue and signal rules (0006_sentinels)
    return Sector.objects.count()
