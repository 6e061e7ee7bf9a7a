"""An alert becomes a dispatch: a positive result goes to the township unit where the person lives."""

from __future__ import annotations

from types import SimpleNamespace

from fangkong.command.choices import DispatchSource, TaskStatus
from fangkong.command.models import Dispatch
from fangkong.core.signals import result_recorded

from .factories import hq, township_unit


def _send(result: str, grid) -> None:
    sample = SimpleNamespace(pk=1, division=grid, sample=SimpleNamespace(barcode="T0001"))
    result_recorded.send(sender=object, resident=SimpleNamespace(grid=grid), id_number="x", sampled_at=None,
                         result=result, kind="pcr_test", sample=sample)


def test_a_positive_result_is_dispatched_to_the_persons_township(users):
    grid = users["grid"].division
    _send("positive", grid)
    assert not Dispatch.objects.exists()  # no township unit yet: nothing to dispatch to
    head = hq(users["commander"].division)
    town = township_unit(users["township"].division)
    _send("negative", grid)
    assert not Dispatch.objects.exists()
    _send("positive", grid)
    dispatch = Dispatch.objects.get()
    assert (dispatch.source, dispatch.sender_unit, dispatch.division) == (DispatchSource.POSITIVE, head, head.division)
    task = dispatch.tasks.get()
    assert task.unit == town and task.status == TaskStatus.ISSUED and "T0001" in dispatch.title
    assert (task.due_at - dispatch.created_at).total_seconds() < 2 * 3600 + 5
