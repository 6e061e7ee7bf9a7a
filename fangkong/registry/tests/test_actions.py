"""registry.actions.do_start_import: the mapping step of an upload, as one fail-closed action."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from fangkong.core.actions import SYSTEM, MissingActor
from fangkong.core.choices import BatchStatus
from fangkong.core.imports import create_batch
from fangkong.core.models import Batch
from fangkong.registry.actions import do_start_import
from fangkong.registry.imports import BATCH_KIND
from fangkong.registry.models import Resident

from .test_import_residents import new_id
from .test_import_view import ledger_bytes

MAPPING = {"name": 0, "id_number": 1, "phone": 2, "grid": 3}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _upload(user, content: bytes | None = None) -> Batch:
    return create_batch(kind=BATCH_KIND, file_name="台账.xlsx", content=content or ledger_bytes(user.division),
                        division=user.division, created_by=user, rows=3, options={"header_row": 2})


def test_it_runs_the_uploaders_own_batch_with_the_confirmed_mapping(users):
    batch = do_start_import(_upload(users["grid"]), MAPPING, acting_user=users["grid"])
    assert batch.status == BatchStatus.DONE and batch.options["mapping"] == MAPPING
    assert (batch.imported, batch.rejected) == (2, 1)
    assert Resident.objects.filter(id_number=new_id(51)).exists()


def test_it_refuses_another_user_a_role_without_imports_and_no_actor(users):
    batch = _upload(users["grid"])
    for other in (users["grid_other"], users["cdc"]):
        with pytest.raises(PermissionDenied):
            do_start_import(batch, MAPPING, acting_user=other)
    with pytest.raises(MissingActor):
        do_start_import(batch, MAPPING, acting_user=None)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PENDING and "started" not in batch.options
    assert not Resident.objects.filter(id_number=new_id(51)).exists()


def test_it_starts_a_batch_once(users):
    batch = do_start_import(_upload(users["grid"]), MAPPING, acting_user=SYSTEM)
    with pytest.raises(PermissionDenied):
        do_start_import(batch, MAPPING, acting_user=users["grid"])


def test_it_fails_an_unreadable_file_with_its_reason_not_pending(users):
    batch = do_start_import(_upload(users["grid"], b"not a spreadsheet"), MAPPING, acting_user=users["grid"])
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED and batch.message
