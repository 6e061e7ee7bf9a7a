"""Actions on transmission chains: linking a case to its source, changing or removing the
link, putting cases into a cluster, and freezing the chain as shown for a report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max, Min
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import action, do_create, do_delete, do_update, is_system, require
from fangkong.core.choices import AuditAction
from fangkong.core.models import Division
from fangkong.core.scoping import ADD, CHANGE, VIEW

from ..choices import Certainty, ExposureType
from ..models import Case, ChainSnapshot, Cluster, TransmissionEdge


def _user(acting_user: Any) -> Any:
    return None if is_system(acting_user) else acting_user


@action
def do_link_cases(
    target: Case,
    *,
    source: Case,
    exposure: str,
    certainty: str = Certainty.PROBABLE,
    evidence: str = "",
    exposed_on: dt.date | None = None,
    acting_user: Any,
) -> TransmissionEdge:
    """关联传染来源: `source` → `target`. Both cases must be in the user's scope; a self-edge,
    a second edge between the pair and a cycle are refused (TransmissionEdge.clean)."""
    require(acting_user, target, CHANGE)
    require(acting_user, source, VIEW)
    if exposure not in ExposureType.values or certainty not in Certainty.values:
        raise ValidationError(_("暴露方式或判定把握不正确"))
    return do_create(
        TransmissionEdge,
        source=source,
        target=target,
        exposure=exposure,
        certainty=certainty,
        evidence=(evidence or "")[:500],
        exposed_on=exposed_on,
        created_by=_user(acting_user),
        verb="link_cases",
        acting_user=acting_user,
    )


@action
def do_update_link(edge: TransmissionEdge, *, acting_user: Any, **fields: Any) -> TransmissionEdge:
    """Certainty, exposure, evidence and date of a link; its two cases stay as they are."""
    allowed = {"certainty", "exposure", "evidence", "exposed_on"}
    bad = set(fields) - allowed
    if bad:
        raise ValidationError(_("不能在此修改“%(field)s”") % {"field": "、".join(sorted(bad))})
    return do_update(edge, verb="update_link", acting_user=acting_user, **fields)


@action
def do_unlink_cases(edge: TransmissionEdge, *, acting_user: Any) -> None:
    """删除传播关系 (audited with its old values)."""
    do_delete(edge, verb="unlink_cases", acting_user=acting_user)


def _refresh_onsets(cluster: Cluster) -> None:
    span = cluster.cases.aggregate(
        first=Min("onset_on"), last=Max("onset_on"), first_s=Min("sampled_on"), last_s=Max("sampled_on")
    )
    cluster.first_onset_on = span["first"] or span["first_s"]
    cluster.last_onset_on = span["last"] or span["last_s"]
    cluster.save(update_fields=["first_onset_on", "last_onset_on"])


@action
def do_set_cluster_cases(
    cluster: Cluster, *, add: list[Case] = (), remove: list[Case] = (), acting_user: Any
) -> Cluster:
    """纳入 / 移出聚集性疫情: each case must be in the user's scope; first and last onset follow."""
    require(acting_user, cluster, CHANGE)
    for case in [*add, *remove]:
        require(acting_user, case, VIEW)
    before = sorted(cluster.cases.values_list("code", flat=True))
    if add:
        cluster.cases.add(*add)
    if remove:
        cluster.cases.remove(*remove)
    _refresh_onsets(cluster)
    after = sorted(cluster.cases.values_list("code", flat=True))
    if before != after:
        audit.record(AuditAction.UPDATE, cluster, verb="cluster_cases", changes={"cases": [before, after]})
    return cluster


@action
def do_freeze_chain(
    *, title: str, filters: dict, acting_user: Any, division: Division | None = None
) -> ChainSnapshot:
    """冻结快照: the chain the user sees under `filters`, stored as it is now."""
    from ..chains import chain_graph, parse_filters

    require(acting_user, ChainSnapshot, ADD)
    if not (title or "").strip():
        raise ValidationError({"title": _("请填写快照名称")})
    division = division or getattr(acting_user, "division", None)
    if division is None:
        raise ValidationError(_("没有所属区划，不能冻结快照"))
    clean = parse_filters(filters, acting_user)
    graph = chain_graph(acting_user, **clean)
    return do_create(
        ChainSnapshot,
        title=title.strip()[:128],
        division=division,
        filters={
            k: (v.isoformat() if hasattr(v, "isoformat") else getattr(v, "pk", v))
            for k, v in clean.items()
            if v
        },
        data=graph,
        node_count=len(graph["nodes"]),
        edge_count=len(graph["edges"]),
        created_by=_user(acting_user),
        verb="freeze_chain",
        acting_user=acting_user,
    )
