"""The command pages beyond the generic ones: sending a dispatch, a township cadre's phone list,
answering a task with files (served only in scope), a unit's members and coverage."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from fangkong.command.choices import MemberPosition, TaskStatus, UnitKind
from fangkong.command.models import Dispatch, DispatchAttachment, Unit
from fangkong.core.choices import Role
from fangkong.core.testkit import client_for, make_user

from .factories import PNG, dispatch_to, hq, make_unit, township_unit


def test_the_command_centre_sends_a_dispatch_from_the_form(users):
    town = township_unit(users["township"].division)
    client = client_for(users["commander"])
    page = client.get(reverse("command:dispatch_create"), {"source": "source_sentinel", "title": "哨点预警核查",
                                                           "units": [town.pk]})
    assert page.status_code == 200 and page.context["form"].initial["title"] == "哨点预警核查"
    due = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("command:dispatch_create"), {
        "title": "核查哨点预警", "content": "请核查某药店购买退烧药人员", "units": [town.pk], "due_at": due,
        "evidence": "核查名单", "source": "source_sentinel"})
    assert response.status_code == 302
    dispatch = Dispatch.objects.get(title="核查哨点预警")
    assert dispatch.tasks.get().unit == town
    past = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("command:dispatch_create"), {
        "title": "过期", "content": "x", "units": [town.pk], "due_at": past, "source": "source_leader"})
    assert response.status_code == 200 and "办结时限应晚于当前时间" in response.content.decode()
    assert client_for(users["township"]).get(reverse("command:dispatch_create")).status_code == 403


def test_a_township_cadre_works_a_task_from_the_phone_list(users):
    town = township_unit(users["township"].division)
    task = dispatch_to(town, title="排查返乡人员", acting_user=users["commander"]).tasks.get()
    cadre = client_for(users["township"])
    page = cadre.get(reverse("command:my_tasks"))
    assert page.status_code == 200 and "排查返乡人员" in page.content.decode()
    cadre.post(reverse("command:task_acknowledge", args=[task.pk]), {"next": reverse("command:my_tasks")})
    task.refresh_from_db()
    assert task.status == TaskStatus.ACKNOWLEDGED
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    response = cadre.post(reverse("command:task_reply", args=[task.pk]), {"text": "已全部排查", "done": "1",
                                                                           "files": [photo]})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    attachment = DispatchAttachment.objects.get(reply__task=task)
    url = reverse("command:task_attachment", args=[task.pk, attachment.pk])
    response = cadre.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    other = make_user("tc_pages_other", users["village_other"].division.parent, Role.TOWNSHIP_CADRE)
    assert client_for(other).get(url).status_code == 404
    assert client_for(users["grid"]).get(url).status_code == 403
    # The sender finds it waiting for sign-off, and signs it off from the task's page.
    commander = client_for(users["commander"])
    assert "排查返乡人员" in commander.get(reverse("command:my_tasks")).content.decode()
    commander.post(reverse("command:task_sign_off", args=[task.pk]), {"text": "同意"})
    task.refresh_from_db()
    assert task.status == TaskStatus.SIGNED_OFF


def test_a_unit_page_shows_its_members_and_seconded_staff(users):
    county = users["commander"].division
    force = make_unit(county, UnitKind.TASK_FORCE, parent=hq(county), name="坝上旅游工作专班")
    client = client_for(users["commander"])
    for name, dept in (("张三", "县卫健局"), ("李四", "县文旅局"), ("王五", "县卫健局")):
        client.post(reverse("command:unit_member_add", args=[force.pk]), {
            "name": name, "position": MemberPosition.MEMBER, "seconded_from": dept, "phone": "13900001111"})
    client.post(reverse("command:unit_member_add", args=[force.pk]), {
        "username": users["cdc"].username, "position": MemberPosition.LEADER, "title": "副县长"})
    assert force.members.count() == 4
    assert Unit.led_by(users["cdc"]).get() == force
    html = client.get(reverse("command:unit", args=[force.pk])).content.decode()
    assert "抽调县卫健局、县文旅局专职人员3人" in html
    assert "13900001111" in html  # the command centre calls them
    auditor_html = client_for(users["auditor"]).get(reverse("command:unit", args=[force.pk])).content.decode()
    assert "13900001111" not in auditor_html and "抽调" in auditor_html  # masked for a role without full PII
    client.post(reverse("command:unit_coverage", args=[force.pk]), {"covers": [users["township"].division.pk]})
    assert list(force.covers.all()) == [users["township"].division]
    member = force.members.get(name="李四")
    client.post(reverse("command:unit_member_remove", args=[force.pk, member.pk]))
    assert force.members.count() == 3
    # A township cadre may see the structure of their own township only, and change nothing.
    assert client_for(users["township"]).get(reverse("command:unit", args=[force.pk])).status_code == 404


def test_the_headquarters_makes_a_reporting_unit_for_every_township(users):
    county = users["commander"].division
    head = hq(county)
    client = client_for(users["commander"])
    client.post(reverse("command:unit_townships", args=[head.pk]))
    townships = county.descendants().filter(level="township").count()
    assert Unit.objects.filter(kind=UnitKind.TOWNSHIP, reports_daily=True).count() == townships
    client.post(reverse("command:unit_townships", args=[head.pk]))  # a second time makes none
    assert Unit.objects.filter(kind=UnitKind.TOWNSHIP).count() == townships
