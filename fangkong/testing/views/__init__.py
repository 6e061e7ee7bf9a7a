"""Pages of the testing area (核酸检测)."""

from .key_groups import (
    KeyGroupEditView,
    KeyGroupImportErrorSheetView,
    KeyGroupImportView,
    KeyGroupMemberAddView,
    KeyGroupMemberRemoveView,
)
from .rounds import (
    ExemptionCreateView,
    ExportView,
    GapListView,
    HomeView,
    RoundCreateView,
    RoundView,
    household_sentence,
    may_refresh,
)
from .site import QrView, SiteCreateView, SiteListView, SiteView
from .work import KeyGroupListView, KeyGroupView, PlanningView, ResamplingListView, UploadView

__all__ = [
    "ExemptionCreateView", "ExportView", "GapListView", "HomeView", "KeyGroupEditView", "KeyGroupImportErrorSheetView",
    "KeyGroupImportView", "KeyGroupMemberAddView", "KeyGroupMemberRemoveView", "KeyGroupListView", "KeyGroupView", "PlanningView",
    "QrView", "ResamplingListView", "RoundCreateView", "RoundView", "SiteCreateView", "SiteListView", "SiteView",
    "UploadView", "household_sentence", "may_refresh",
]
