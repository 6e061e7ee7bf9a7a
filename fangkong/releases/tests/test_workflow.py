"""Information release: the personal-data check on submit and approve (names, exact times, ID
numbers, phones), reviewer and approver distinct from the author, returns, publication on the
public page (published only, no login), corrections marked 已更正 on the original."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fangkong.core.models import AuditLog
from fangkong.core.testkit import client_for, make_user
from fangkong.releases import actions
from fangkong.releases.choices import ReleaseKind, ReleaseStatus, ReleaseStep
from fangkong.releases.models import ReleaseNote
from fangkong.tracing.tests import factories as T

from . import factories as F

ITINERARY = "12月3日上午，到访好又多超市，乘坐公交（3路）。\n12月4日下午，到访县人民医院发热门诊。"


@pytest.fixture
def case(users):
    T.activate()
    return T.open_case(users["commander"].division, name="王小明", employer="县第一中学", phone="13912345678")


@pytest.fixture
def reviewer(users):
    return make_user("cdc_reviewer", users["commander"].division, "cdc")


def test_a_public_itinerary_goes_through_review_approval_and_publication(users, case, reviewer):
    author, approver = users["cdc"], users["commander"]
    note = F.draft(
        author, kind=ReleaseKind.ITINERARY, title="一例确诊病例活动轨迹", body=ITINERARY, case=case
    )
    assert note.status == ReleaseStatus.DRAFT and note.author == author
    note = F.to_state(note, "published", reviewer=reviewer, approver=approver)
    assert note.status == ReleaseStatus.PUBLISHED and note.published_at is not None
    assert (note.reviewed_by, note.approved_by) == (reviewer, approver)
    steps = list(note.events.values_list("step", "by__username"))
    assert steps == [
        (ReleaseStep.DRAFTED, "cdc"),
        (ReleaseStep.SUBMITTED, "cdc"),
        (ReleaseStep.REVIEWED, "cdc_reviewer"),
        (ReleaseStep.APPROVED, "commander"),
        (ReleaseStep.PUBLISHED, "commander"),
    ]
    verbs = list(
        AuditLog.objects.filter(object_id=str(note.pk), object_type="releases.releasenote")
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "draft_release",
        "submit_release",
        "review_release",
        "approve_release",
        "publish_release",
    ]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("12月3日上午，王小明到访好又多超市。", "含有病例姓名“王小明”"),
        ("12月3日14:30，到访好又多超市。", "含有精确时间“14:30”"),
        ("12月3日上午，到访好又多超市，身份证号130723199001011234。", "含有身份证号"),
        ("12月3日上午，到访好又多超市，电话13912345678。", "含有手机号"),
    ],
)
def test_submitting_an_itinerary_with_personal_data_is_refused_with_the_problems(users, case, body, reason):
    note = F.draft(users["cdc"], kind=ReleaseKind.ITINERARY, title="活动轨迹", body=body, case=case)
    with pytest.raises(ValidationError) as exc:
        actions.do_submit_release(note, acting_user=users["cdc"])
    assert any(reason in m for m in exc.value.messages), exc.value.messages
    note.refresh_from_db()
    assert note.status == ReleaseStatus.DRAFT
    assert not AuditLog.objects.filter(verb="submit_release", object_id=str(note.pk)).exists()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("昨日我县新增确诊病例王小明，现已转运至定点医院。", "含有病例姓名“王小明”"),
        ("病例身份证号130723199001011234，请相关人员主动报备。", "含有身份证号"),
        ("如有疑问请联系13812345678。", "含有手机号"),
        ("病例在县第一中学工作。", "含有工作单位“县第一中学”"),
    ],
)
def test_a_notice_or_case_bulletin_may_not_carry_ids_phones_or_case_names(users, case, body, reason):
    kind = ReleaseKind.CASE_BULLETIN if "工作单位" in reason else ReleaseKind.NOTICE
    note = F.draft(
        users["cdc"],
        kind=kind,
        title="通报",
        body=body,
        case=case if kind == ReleaseKind.CASE_BULLETIN else None,
    )
    with pytest.raises(ValidationError) as exc:
        actions.do_submit_release(note, acting_user=users["cdc"])
    assert any(reason in m for m in exc.value.messages), exc.value.messages


def test_the_check_runs_again_on_approval(users, case, reviewer):
    note = F.draft(
        users["cdc"], kind=ReleaseKind.CASE_BULLETIN, title="病例通报", body="新增确诊病例1例。", case=case
    )
    F.to_state(note, "reviewed", reviewer=reviewer, approver=users["commander"])
    ReleaseNote.objects.filter(pk=note.pk).update(
        body="新增确诊病例王小明。"
    )  # changed behind the workflow's back
    note.refresh_from_db()
    with pytest.raises(ValidationError, match="王小明"):
        actions.do_approve_release(note, acting_user=users["commander"])
    note.refresh_from_db()
    assert note.status == ReleaseStatus.REVIEWED


def test_the_author_may_neither_review_nor_approve_their_own_release(users, reviewer):
    author = users["commander"]  # may review and approve others' releases
    note = F.draft(author)
    actions.do_submit_release(note, acting_user=author)
    with pytest.raises(PermissionDenied, match="审核不能由起草人本人进行"):
        actions.do_review_release(note, acting_user=author)
    actions.do_review_release(note, acting_user=reviewer)
    with pytest.raises(PermissionDenied, match="批准不能由起草人本人进行"):
        actions.do_approve_release(note, acting_user=author)
    with pytest.raises(PermissionDenied):  # a CDC reviewer is no approver
        actions.do_approve_release(note, acting_user=reviewer)
    with pytest.raises(ValidationError, match="不能进行此操作"):  # not approved yet
        actions.do_publish_release(note, acting_user=users["commander"])


def test_a_returned_release_is_edited_and_submitted_again(users, reviewer):
    note = F.draft(users["cdc"])
    actions.do_submit_release(note, acting_user=users["cdc"])
    with pytest.raises(ValidationError, match="请填写退回原因"):
        actions.do_return_release(note, acting_user=reviewer, reason=" ")
    actions.do_return_release(note, acting_user=reviewer, reason="请补充卡口名称")
    note.refresh_from_db()
    assert (note.status, note.return_reason) == (ReleaseStatus.RETURNED, "请补充卡口名称")
    with pytest.raises(PermissionDenied, match="只有起草人"):
        actions.do_edit_release(note, title=note.title, body="x", acting_user=users["commander"])
    actions.do_edit_release(
        note, title=note.title, body="全县各卡口（含东、西卡口）继续查验。", acting_user=users["cdc"]
    )
    actions.do_submit_release(note, acting_user=users["cdc"])
    note.refresh_from_db()
    assert note.status == ReleaseStatus.SUBMITTED and note.return_reason == ""


def test_a_correction_is_its_own_release_and_marks_the_original(users, reviewer):
    original = F.to_state(
        F.draft(users["cdc"], title="关于暂停集市的通告"),
        "published",
        reviewer=reviewer,
        approver=users["commander"],
    )
    with pytest.raises(ValidationError, match="不能进行此操作"):
        actions.do_correct_release(F.draft(users["cdc"]), title="x", body="y", acting_user=users["cdc"])
    correction = actions.do_correct_release(
        original, title="关于暂停集市的通告的更正", body="暂停日期更正为12月5日起。", acting_user=users["cdc"]
    )
    assert correction.corrects == original and correction.kind == original.kind
    assert original.published_correction() is None  # not until it is published
    public = client_for(users["grid"])  # any visitor; the public page needs no login
    from django.test import Client

    anon = Client()
    assert "已更正" not in anon.get(reverse("public_releases:detail", args=[original.pk])).content.decode()
    assert anon.get(reverse("public_releases:detail", args=[correction.pk])).status_code == 404
    F.to_state(correction, "published", reviewer=reviewer, approver=users["commander"])
    page = anon.get(reverse("public_releases:detail", args=[original.pk])).content.decode()
    assert "已更正" in page and reverse("public_releases:detail", args=[correction.pk]) in page
    listing = anon.get(reverse("public_releases:list")).content.decode()
    assert "关于暂停集市的通告的更正" in listing and "已更正" in listing
    assert public.get(reverse("public_releases:list")).status_code == 200
    assert original.events.filter(step=ReleaseStep.CORRECTED, other=correction).exists()


def test_the_public_page_shows_only_published_releases(users, reviewer):
    from django.test import Client

    anon = Client()
    published = F.to_state(
        F.draft(users["cdc"], title="已发布的通告"),
        "published",
        reviewer=reviewer,
        approver=users["commander"],
    )
    approved = F.to_state(
        F.draft(users["cdc"], title="已批准未发布的通告"),
        "approved",
        reviewer=reviewer,
        approver=users["commander"],
    )
    F.draft(users["cdc"], title="草稿通告")
    listing = anon.get(reverse("public_releases:list"))
    text = listing.content.decode()
    assert listing.status_code == 200 and "已发布的通告" in text
    assert "已批准未发布的通告" not in text and "草稿通告" not in text
    assert anon.get(reverse("public_releases:detail", args=[approved.pk])).status_code == 404
    detail = anon.get(reverse("public_releases:detail", args=[published.pk])).content.decode()
    assert "发布" in detail and "commander" not in detail and "cdc_reviewer" not in detail


def test_the_pages_walk_a_release_through_and_show_refusals(users, case, reviewer):
    author = client_for(users["cdc"])
    response = author.post(
        reverse("releases:draft"),
        {
            "kind": ReleaseKind.ITINERARY,
            "title": "轨迹",
            "body": "12月3日9点半，到访好又多超市。",
            "case": case.pk,
        },
    )
    note = ReleaseNote.objects.get(title="轨迹")
    assert response.status_code == 302
    detail = author.get(reverse("releases:releasenote", args=[note.pk])).content.decode()
    assert "含有精确时间“9点半”" in detail
    response = author.post(reverse("releases:submit", args=[note.pk]), follow=True)
    assert "个人信息检查未通过" in response.content.decode()
    author.post(
        reverse("releases:edit", args=[note.pk]),
        {
            "kind": ReleaseKind.ITINERARY,
            "title": "轨迹",
            "body": "12月3日上午，到访好又多超市。",
            "case": case.pk,
        },
    )
    author.post(reverse("releases:submit", args=[note.pk]))
    client_for(reviewer).post(reverse("releases:review", args=[note.pk]), {"remark": "同意"})
    commander = client_for(users["commander"])
    assert "轨迹" in commander.get(reverse("releases:pending")).content.decode()
    commander.post(reverse("releases:approve", args=[note.pk]), {"remark": ""})
    commander.post(reverse("releases:publish", args=[note.pk]))
    note.refresh_from_db()
    assert note.status == ReleaseStatus.PUBLISHED
    assert client_for(users["grid"]).get(reverse("releases:releasenote_list")).status_code == 403
