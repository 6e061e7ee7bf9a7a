"""The sampling page (htmx): scan a tube, scan people, seal; QR codes; scope."""

from fangkong.core.models import AuditLog
from fangkong.core.testkit import client_for
from fangkong.testing.models import Sample, Sampling
from fangkong.testing.qr import token_for

from .conftest import present


def scan(client, site, code, **extra):
    return client.post(f"/testing/sites/{site.pk}/", {"code": code, **extra}, HTTP_HX_REQUEST="true")


def test_it_binds_people_by_id_number_and_qr_code_to_one_pooled_tube(users, site, rnd, village):
    client = client_for(users["village"])
    page = client.get(f"/testing/sites/{site.pk}/")
    assert page.status_code == 200 and b"autofocus" in page.content
    r = scan(client, site, "T-0001", capacity="5", round=str(rnd.pk))
    assert "新管 T-0001(5合1)" in r.content.decode()
    people = present(village, 5)
    scan(client, site, people[0].id_number)
    scan(client, site, token_for(people[1]))  # the personal sampling QR code
    again = scan(client, site, people[1].id_number)
    assert "已在当前采样管中" in again.content.decode()
    for p in people[2:]:
        last = scan(client, site, p.id_number)
    assert "自动封管" in last.content.decode()
    tube = Sample.objects.get(barcode="T-0001")
    assert tube.status == "sealed" and tube.members == 5 and tube.round == rnd
    assert list(tube.samplings.order_by("id").values_list("resident_id", flat=True)) == [p.pk for p in people]
    assert AuditLog.objects.filter(verb="bind_sample", actor=users["village"]).count() == 5
    single = scan(client, site, "T-0009", capacity="1").content.decode()  # the tube before is sealed
    assert "(单采)" in single and "1合1" not in single


def test_it_reports_bad_scans_in_chinese(users, site):
    client = client_for(users["village"])
    r = scan(client, site, "110101199003070011")  # a person before any tube
    assert "请先扫描采样管条码" in r.content.decode()
    scan(client, site, "T-0002", capacity="10")
    assert "采样码无效" in scan(client, site, "FKQR:forged:abc").content.decode()
    assert "还没有人" in scan(client, site, "T-0003").content.decode()
    scan(client, site, "110101199003070011")  # a visitor, not in the registry
    r = client.post(f"/testing/sites/{site.pk}/", {"action": "seal"}, HTTP_HX_REQUEST="true")
    assert "已封管 T-0002(1人)" in r.content.decode()
    assert Sampling.objects.get(sample__barcode="T-0002").resident is None
    assert "已使用" in scan(client, site, "T-0002").content.decode()


def test_it_hides_sites_out_of_scope(users, site):
    assert client_for(users["village_other"]).get(f"/testing/sites/{site.pk}/").status_code == 404
    assert client_for(users["grid_other"]).post(f"/testing/sites/{site.pk}/", {"code": "X"}).status_code == 404


def test_it_shows_a_personal_qr_code(users, village):
    from fangkong.registry.models import Resident

    person = Resident.objects.filter(grid=users["grid"].division).order_by("id").first()
    r = client_for(users["grid"]).get(f"/testing/qr/{person.pk}/")
    assert r.status_code == 200 and b"<svg" in r.content
    assert AuditLog.objects.filter(verb="view_sampling_qr", object_id=str(person.pk)).exists()
    assert client_for(users["grid_other"]).get(f"/testing/qr/{person.pk}/").status_code == 404


def test_it_links_only_the_sites_the_user_may_run(users, site, rnd):
    """A lab sees the sites in its scope but does not sample: no link that would answer 404."""
    lab = client_for(users["lab"])
    listing = lab.get("/testing/sites/").content.decode()
    assert site.name in listing and f"/testing/sites/{site.pk}/" not in listing
    home = lab.get("/testing/").content.decode()
    assert site.name in home and f"/testing/sites/{site.pk}/" not in home
    assert "/testing/sites/new/" not in home and "/testing/rounds/new/" not in home
    assert "尚未计算覆盖率" in home  # the round's coverage was never computed
    mine = client_for(users["village"]).get("/testing/sites/").content.decode()
    assert f"/testing/sites/{site.pk}/" in mine
    assert client_for(users["village"]).get(f"/testing/sites/{site.pk}/").status_code == 200
