"""Releases through the shared mixins: scope, the API (each step as a POST action) and the pages."""

from __future__ import annotations

from typing import Any

from fangkong.core.testkit import APITests, ScopeTests, ViewTests, make_user
from fangkong.core.testkit_pages import PageTests
from fangkong.releases.choices import ReleaseKind
from fangkong.releases.models import ReleaseNote

from . import factories as F

OTHER_CENTRE = ("command_center", "village_other")
OTHER_CDC = ("cdc", "village_other")


class NoteData:
    model = ReleaseNote
    user_in, user_out, user_none = "cdc", OTHER_CDC, "grid"
    state = ""

    def make_object(self) -> ReleaseNote:
        note = F.draft(self.users["cdc"], title="测试发布稿")
        if self.state:
            reviewer = self._made.get("rev") or make_user(f"rev{note.pk}", self.users["cdc"].division, "cdc")
            self._made["rev"] = reviewer
            F.to_state(note, self.state, reviewer=reviewer, approver=self.users["commander"])
        return note

    def create_data(self) -> dict[str, Any]:
        return {
            "kind": ReleaseKind.NOTICE,
            "title": "关于开展全员核酸检测的通告",
            "body": "请各村组织群众有序检测。",
        }


class TestNoteScope(NoteData, ScopeTests.Read):
    pass


class TestNoteAPI(NoteData, APITests.Get, APITests.List, APITests.Create, APITests.Actions):
    api_basename = "releases-note"
    # a draft is made in its author's own division: nothing to be outside of when creating
    op_users = {"add": ("cdc", None, "lab")}
    api_actions = ("edit", "submit")

    def action_data(self, action: str, obj: ReleaseNote) -> dict[str, Any]:
        return {"title": obj.title, "body": "修改后的正文。"} if action == "edit" else {}


class TestSubmittedNoteAPI(NoteData, APITests.Actions):
    api_basename = "releases-note"
    state = "submitted"
    user_in, user_out = "commander", OTHER_CENTRE
    api_actions = ("review", "return")

    def action_data(self, action: str, obj: ReleaseNote) -> dict[str, Any]:
        return {"reason": "请核实数据"} if action == "return" else {"remark": "同意"}


class TestReviewedNoteAPI(NoteData, APITests.Actions):
    api_basename = "releases-note"
    state = "reviewed"
    user_in, user_out = "commander", OTHER_CENTRE
    api_actions = ("approve",)


class TestApprovedNoteAPI(NoteData, APITests.Actions):
    api_basename = "releases-note"
    state = "approved"
    user_in, user_out = "commander", OTHER_CENTRE
    api_actions = ("publish",)


class TestPublishedNoteAPI(NoteData, APITests.Actions):
    api_basename = "releases-note"
    state = "published"
    api_actions = ("correct",)

    def action_data(self, action: str, obj: ReleaseNote) -> dict[str, Any]:
        return {"title": "更正", "body": "更正内容。"}


class TestNotePages(NoteData, PageTests.Forbidden, PageTests.Export, ViewTests.List, ViewTests.Detail):
    model = ReleaseNote

    def list_params(self) -> dict[str, str]:
        return {"q": "测试发布稿"}
