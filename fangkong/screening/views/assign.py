"""分派: the division picker (search by name or pinyin initials, township → village → grid) and the
bulk reassignment of tasks picked in a list (the county's 待分派 queue above all)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core.actions import MissingActor, require_role
from fangkong.core.choices import DivisionLevel, Role
from fangkong.core.identity import name_pinyin, to_halfwidth
from fangkong.core.models import Division

from .. import actions
from ..models import Verification

ASSIGNERS = (Role.MODULE_ADMIN, Role.MODULE_LEAD, Role.COMMAND_CENTER)
PICKABLE = (DivisionLevel.TOWNSHIP, DivisionLevel.VILLAGE, DivisionLevel.GRID)
MAX_OPTIONS = 30
MAX_BULK = 500


def require_assigner(user: Any) -> None:
    """Reassigning tasks is for module admins and leads and the command centre, within a division of
    their own (the action checks each task's and the target's scope); fails closed."""
    require_role(user, *ASSIGNERS)
    if not getattr(user, "division_id", None):
        raise PermissionDenied(_("您的账号没有所属区划,不能分派任务"))


def may_assign(user: Any) -> bool:
    try:
        require_assigner(user)
    except (PermissionDenied, MissingActor):
        return False
    return True


@dataclass
class Option:
    pk: int
    name: str
    trail: str  # the names above it inside the user's scope: 城关镇 › 东街村
    has_children: bool


def _children(under: int) -> list[Option]:
    """The pickable divisions right below `under`: two small queries on the (parent, path) index."""
    rows = list(Division.objects.filter(parent_id=under, level__in=PICKABLE).order_by("path")
                .values_list("pk", "name")[:MAX_OPTIONS * 10])
    parents = set(Division.objects.filter(parent_id__in=[pk for pk, _ in rows]).values_list("parent_id", flat=True))
    return [Option(pk, name, "", pk in parents) for pk, name in rows]


def _options(root: Division, query: str, parent: Division | None) -> list[Option]:
    """Divisions below `root` matching `query` (name, full pinyin or initials; a county has some
    600, compared in memory after one query), else the children of `parent` (or of `root`)."""
    text = to_halfwidth(query).strip().lower().replace(" ", "")
    if not text:
        return _children(parent.pk if parent else root.pk)
    rows = list(Division.objects.subtree(root).values_list("pk", "name", "level", "path", "parent_id"))
    by_pk = {pk: (name, parent_id) for pk, name, _level, _path, parent_id in rows}
    parents = {parent_id for *_, parent_id in rows}

    def trail(parent_id: int | None) -> str:
        names = []
        while parent_id in by_pk and parent_id != root.pk:
            name, parent_id = by_pk[parent_id]
            names.append(name)
        return " › ".join(reversed(names))

    def hit(name: str) -> bool:
        full, initials = name_pinyin(name)
        return text in name.lower() or initials.startswith(text) or full.startswith(text)

    found = sorted((r for r in rows if r[2] in PICKABLE and hit(r[1])), key=lambda r: r[3])
    return [Option(pk, name, trail(parent_id), pk in parents)
            for pk, name, _level, _path, parent_id in found[:MAX_OPTIONS]]


def picker_context(user: Any, *, name: str = "division", key: str = "pick", query: str = "",
                   parent: Division | None = None) -> dict:
    """What the picker templates need; empty for an account without a division."""
    if not getattr(user, "division_id", None):
        return {"name": name, "key": key, "options": [], "parent": None}
    # "Up" from an opened division: its parent, or the top of the user's scope.
    up = None
    if parent is not None and parent.pk != user.division_id:
        up = parent.parent_id if parent.parent_id and user.division.contains(parent.parent) else user.division_id
    return {"name": name, "key": key, "query": query, "parent": parent, "up": up,
            "options": _options(user.division, query, parent)}


@login_required
def division_options(request: HttpRequest) -> HttpResponse:
    """The picker's list (htmx): `?dq=` searches, `?parent=` opens a division; only the user's subtree."""
    user, g = request.user, request.GET
    if not user.division_id:
        raise PermissionDenied(_("您的账号没有所属区划"))
    parent = None
    if g.get("parent"):
        parent = Division.objects.subtree(user.division).filter(pk=g["parent"] if g["parent"].isdigit() else 0).first()
        if parent is None:
            raise Http404
    name = g.get("name", "division") if g.get("name") in ("division", "township") else "division"
    key = g.get("key", "pick") if g.get("key", "").isidentifier() else "pick"
    ctx = picker_context(user, name=name, key=key, query=g.get("dq", "")[:40], parent=parent)
    return render(request, "screening/_division_options.html", ctx)


def _back(request: HttpRequest) -> HttpResponseRedirect:
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(nxt)
    return redirect(reverse("screening:verifications") + "?county_queue=true")


@require_POST
@login_required
def reassign_many(request: HttpRequest) -> HttpResponse:
    """批量分派: the tasks ticked in a list to one division, all or none."""
    user = request.user
    require_assigner(user)
    ids = sorted({int(x) for x in request.POST.getlist("task") if x.isdigit()})
    division_pk = request.POST.get("division", "")
    division = Division.objects.filter(pk=division_pk).first() if division_pk.isdigit() else None
    if not ids:
        messages.error(request, _("请至少选择一条任务"))
        return _back(request)
    if len(ids) > MAX_BULK:
        messages.error(request, _("一次最多分派 %(n)d 条任务") % {"n": MAX_BULK})
        return _back(request)
    if division is None:
        messages.error(request, _("请选择要分派到的区划"))
        return _back(request)
    tasks = list(Verification.objects.restrict(user, "change").filter(pk__in=ids).select_related("person"))
    if len(tasks) != len(ids):
        messages.error(request, _("有 %(n)d 条任务不在您的管辖范围内,本次未分派") % {"n": len(ids) - len(tasks)})
        return _back(request)
    try:
        actions.do_reassign_many(tasks, division, acting_user=user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", None) or [str(exc)]))
    else:
        messages.success(request, _("已将 %(n)d 条任务分派到%(name)s") % {"n": len(tasks), "name": division.name})
    return _back(request)
