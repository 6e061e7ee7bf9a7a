"""涉疫风险人员 and the review queue of uncertain person matches."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import MODULE_ROLES, Module, Role
from fangkong.core.scoping import ScopedModel, ScopedQuerySet, roles

from ..choices import MergeStatus, PersonStatus

SCREENING_VIEWERS = roles(
    Role.COMMAND_CENTER, Role.MODULE_LEAD, Role.MODULE_ADMIN, Role.REVIEWER, Role.TOWNSHIP_CADRE,
    Role.VILLAGE_CADRE, Role.GRID_WORKER, Role.CDC, Role.SITE_STAFF, Role.AUDITOR,
)
SCREENING_EDITORS = roles(
    Role.COMMAND_CENTER, Role.MODULE_LEAD, Role.MODULE_ADMIN, Role.REVIEWER, Role.TOWNSHIP_CADRE,
    Role.VILLAGE_CADRE, Role.GRID_WORKER, Role.CDC,
)


class Person(ScopedModel):
    """涉疫风险人员: one person that one or more leads point at, merged across channels.

    `division` is where the person is managed: their grid once routed, else the village /
    township the address resolved to, else the county (the module admin's queue).
    """

    name = models.CharField(_("姓名"), max_length=40)
    name_initials = models.CharField(_("拼音首字母"), max_length=40, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, null=True, blank=True)  # noqa: DJ001 — NULL is not unique
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("现住址"), max_length=255, blank=True)
    # Not indexed: nothing lists a resident's persons, and residents are not deleted (the one
    # query that would scan); each imported person would pay for the entry.
    resident = models.ForeignKey(
        "registry.Resident", on_delete=models.SET_NULL, null=True, blank=True, related_name="persons",
        verbose_name=_("对应常住人口"), db_constraint=False, db_index=False,
    )
    division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, related_name="persons", verbose_name=_("管理区划"),
        db_constraint=False,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)  # lists sort by id: the same order
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Added by screening 0002: where the person stands, which module owns the work, merges.
    status = models.CharField(
        _("状态"), max_length=16, choices=PersonStatus.choices, default=PersonStatus.VERIFYING
    )
    module = models.CharField(_("所属模块"), max_length=32, choices=Module.choices, blank=True)
    name_pinyin = models.CharField(_("拼音"), max_length=120, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_persons",
        verbose_name=_("合并到"), db_index=False, db_constraint=False,  # rare (merges); imports would pay
    )

    scope_division_field = "division"
    scope_roles = {"view": SCREENING_VIEWERS, "add": SCREENING_EDITORS, "change": SCREENING_EDITORS,
                   "delete": roles(Role.COMMAND_CENTER)}

    class Meta:
        ordering = ["-id"]  # newest first (keys are drawn in creation order; `created_at` has no index)
        verbose_name = _("涉疫风险人员")
        verbose_name_plural = _("涉疫风险人员")
        # Declared here, not with unique=True / db_index=True, which on PostgreSQL add a
        # second (LIKE) index per column that exact lookups never use.
        constraints = [models.UniqueConstraint(fields=["id_number"], name="person_id_number_unique",
                                               violation_error_message="该身份证号的人员已存在")]
        # No index on name: persons are found by ID number or phone, the name is compared after.
        indexes = [models.Index(fields=["phone"], name="person_phone")]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_refine(cls, qs: ScopedQuerySet, user, action: str) -> ScopedQuerySet:
        return module_refine(qs, user, "module")


def module_refine(qs: ScopedQuerySet, user, field: str) -> ScopedQuerySet:
    """Users who hold only module roles see their modules' work; everyone else is not narrowed."""
    if user.role_names and user.role_names <= MODULE_ROLES:
        return qs.filter(**{f"{field}__in": list(user.modules)})
    return qs


class MergeCandidate(ScopedModel):
    """疑似同一人: two persons that may be one (same phone, similar name); a person decides.

    `undo` keeps what a merge moved (lead and verification ids) so it can be undone exactly.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="merge_candidates",
                               verbose_name=_("保留人员"))
    other = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="merge_candidates_as_other",
                              verbose_name=_("疑似重复人员"))
    reason = models.CharField(_("原因"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=MergeStatus.choices, default=MergeStatus.PENDING,
                              db_index=True)
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("管理区划"))
    module = models.CharField(_("所属模块"), max_length=32, choices=Module.choices, blank=True)
    created_at = models.DateTimeField(_("发现时间"), auto_now_add=True)
    decided_by = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("处理人"))
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    undo = models.JSONField(_("撤销信息"), default=dict, blank=True)

    scope_division_field = "division"
    scope_roles = {"view": SCREENING_VIEWERS, "change": roles(Role.COMMAND_CENTER, Role.MODULE_LEAD,
                                                             Role.MODULE_ADMIN, Role.REVIEWER)}

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("疑似重复人员")
        verbose_name_plural = _("疑似重复人员")
        constraints = [
            models.UniqueConstraint(fields=["person", "other"], name="mergecandidate_unique_pair",
                                    violation_error_message="这两名人员已在待确认列表中"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ≈ {self.other}"

    @classmethod
    def scope_refine(cls, qs: ScopedQuerySet, user, action: str) -> ScopedQuerySet:
        return module_refine(qs, user, "module")
