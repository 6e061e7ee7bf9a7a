"""A village cadre never sees residents of another village — pages, API, search, export, browser."""

import io

from openpyxl import load_workbook

from fangkong.core.choices import AuditAction
from fangkong.core.models import AuditLog
from fangkong.core.pii import mask_id_number
from fangkong.core.testkit import assert_audited, client_for
from fangkong.registry.models import Resident


def _others(users):
    return list(Resident.objects.filter(grid__path__startswith=users["village_other"].division.path)
                .exclude(id_number=None).exclude(phone="")[:5])


def test_pages_and_search_never_show_another_village(users):
    client = client_for(users["village"])
    for r in _others(users):
        assert client.get(f"/registry/residents/{r.pk}/").status_code == 404
        for q in (r.id_number, r.id_number[-4:], r.phone, r.name):
            page = client.get("/registry/search/", {"q": q})
            assert r not in page.context["object_list"]
            results = page.content.decode().split('id="results"')[1]
            assert mask_id_number(r.id_number) not in results
    other_grid = _others(users)[0].grid
    assert client.get("/registry/search/", {"division": other_grid.pk}).status_code == 404
    assert client.get("/registry/divisions/", {"division": other_grid.pk}).status_code == 404


def test_the_api_never_shows_another_village(users):
    client = client_for(users["village"])
    for r in _others(users):
        assert client.get(f"/api/residents/{r.pk}/").status_code == 404
        assert client.get("/api/residents/", {"id_number": r.id_number}).json()["count"] == 0
        assert client.get("/api/residents/", {"phone": r.phone}).json()["count"] == 0
    path = users["village"].division.path
    listed = client.get("/api/residents/", {"page_size": 500}).json()["results"]
    assert listed and all(Resident.objects.get(pk=x["id"]).grid.path.startswith(path) for x in listed)


def test_the_export_never_holds_another_village(users):
    village = users["village"].division
    response = client_for(users["village"]).get("/registry/residents/export/", {"division": village.pk})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))[1:]
    own = Resident.objects.filter(grid__path__startswith=village.path)
    assert len(rows) == own.count()
    assert {r[1] for r in rows} <= {mask_id_number(x) for x in own.values_list("id_number", flat=True)}
    others = {x.name for x in _others(users)} - set(own.values_list("name", flat=True))
    assert not others & {r[0] for r in rows}


def test_exports_are_masked_unless_full_and_full_is_audited(users):
    village = users["village"].division
    client = client_for(users["village"])
    masked = client.get("/registry/residents/export/", {"division": village.pk})
    row = assert_audited(AuditAction.EXPORT, actor=users["village"], object_type="registry.resident")
    assert row.changes["full_pii"] is False
    first = list(load_workbook(io.BytesIO(masked.content)).active.iter_rows(values_only=True))[1]
    assert "*" in first[1]
    # Full values leave only with a stated reason and only for roles that send lists on (core.exports).
    assert client.get("/registry/residents/export/", {"division": village.pk, "full": "1"}).status_code == 403
    commander = client_for(users["commander"])
    full = commander.get("/registry/residents/export/", {"division": village.pk, "full": "1", "reason": "报送市疾控"})
    first = list(load_workbook(io.BytesIO(full.content)).active.iter_rows(values_only=True))[1]
    assert "*" not in first[1]
    row = assert_audited(AuditAction.EXPORT, actor=users["commander"], object_type="registry.resident")
    assert row.changes["full_pii"] is True and row.changes["count"] > 0
    assert client_for(users["auditor"]).get("/registry/residents/export/", {"q": "z", "full": "1"}).status_code == 403


def test_every_full_api_view_is_audited(users):
    client = client_for(users["village"])
    before = AuditLog.objects.filter(action=AuditAction.VIEW_PII, actor=users["village"]).count()
    data = client.get("/api/residents/", {"full_pii": "1", "page_size": 10}).json()["results"]
    assert data and all("*" not in x["id_number"] for x in data if x["id_number"])
    after = AuditLog.objects.filter(action=AuditAction.VIEW_PII, actor=users["village"]).count()
    assert after - before == len(data)
    masked = client_for(users["auditor"]).get("/api/residents/", {"full_pii": "1"}).json()["results"]
    assert masked and all("*" in x["id_number"] for x in masked if x["id_number"])
