"""Chinese names of the release audit verbs (shown on the audit pages)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "draft_release": _("起草发布稿"),
    "edit_release": _("修改发布稿"),
    "submit_release": _("提交发布稿审核"),
    "review_release": _("审核发布稿"),
    "approve_release": _("批准发布稿"),
    "return_release": _("退回发布稿"),
    "publish_release": _("发布信息"),
    "correct_release": _("起草更正"),
}
