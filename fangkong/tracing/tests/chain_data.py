"""Test data for transmission chains: cases linked into chains, clusters, snapshots."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from fangkong.core.actions import SYSTEM

from ..actions import do_link_cases, do_set_cluster_cases
from ..choices import Certainty, ExposureType
from ..models import Case, Cluster, TransmissionEdge
from . import factories as F

_n = itertools.count(1)


def link(source: Case, target: Case, *, user: Any = SYSTEM, exposure: str = ExposureType.HOUSEHOLD,
         certainty: str = Certainty.CONFIRMED, **fields: Any) -> TransmissionEdge:
    return do_link_cases(target, source=source, exposure=exposure, certainty=certainty, acting_user=user, **fields)


def cluster(division, cases: list[Case] = (), *, user: Any = SYSTEM, name: str = "测试聚集") -> Cluster:
    from fangkong.core.actions import do_create

    made = do_create(Cluster, code=f"JJ{next(_n):05d}", name=name, division=division, verb="create_cluster",
                     acting_user=user)
    if cases:
        do_set_cluster_cases(made, add=list(cases), acting_user=user)
    return made


def case_on(division, days_ago: int, **fields: Any) -> Case:
    return F.open_case(division, onset=timezone.localdate() - dt.timedelta(days=days_ago), **fields)
