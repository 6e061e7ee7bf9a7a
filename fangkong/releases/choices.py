"""Kinds, states and steps of information release (信息发布)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReleaseKind(models.TextChoices):
    NOTICE = "notice", _("通告")
    CASE_BULLETIN = "case_bulletin", _("病例通报")
    ITINERARY = "itinerary", _("活动轨迹")


class ReleaseStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    REVIEWED = "reviewed", _("待批准")
    APPROVED = "approved", _("已批准")
    PUBLISHED = "published", _("已发布")
    RETURNED = "returned", _("退回")


EDITABLE = (ReleaseStatus.DRAFT, ReleaseStatus.RETURNED)


class ReleaseStep(models.TextChoices):
    """What happened to a release, in its history."""

    DRAFTED = "drafted", _("起草")
    EDITED = "edited", _("修改")
    SUBMITTED = "submitted", _("提交审核")
    REVIEWED = "reviewed", _("审核通过")
    APPROVED = "approved", _("批准")
    RETURNED = "returned", _("退回")
    PUBLISHED = "published", _("发布")
    CORRECTED = "corrected", _("发布更正")


PUBLIC_STEPS = (ReleaseStep.PUBLISHED, ReleaseStep.CORRECTED)
