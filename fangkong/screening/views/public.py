"""群众自报: the public self-report page (no login), its receipt, and the status lookup."""

from __future__ import annotations

from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect

from fangkong.core import audit
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditAction, AuditSource
from fangkong.core.middleware import client_ip
from fangkong.core.pii import mask_name

from ..actions import do_submit_lead
from ..choices import Channel, VerificationStatus
from ..forms import ReceiptLookupForm, SelfReportForm
from ..models import Lead

RATE_LIMIT = 5  # submissions per address per hour
RATE_WINDOW = 3600


def _rate_key(request) -> str:
    return f"screening:selfreport:{client_ip(request) or 'unknown'}"


@csrf_protect
def self_report(request):
    """Phone-first form; the notice is shown above the submit button and must be accepted."""
    limited = cache.get(_rate_key(request), 0) >= RATE_LIMIT
    form = SelfReportForm(request.POST or None)
    if request.method == "POST" and not limited and form.is_valid():
        cache.add(_rate_key(request), 0, RATE_WINDOW)
        cache.incr(_rate_key(request))
        with audit.audit_context(source=AuditSource.WEB):
            lead, _created = do_submit_lead(form.lead_input(), channel=Channel.SELF_REPORT, acting_user=SYSTEM)
        request.session["last_receipt"] = lead.receipt_code if lead else ""
        return redirect("screening:self_report_done", code=lead.receipt_code or "-")
    status = 429 if limited and request.method == "POST" else 200
    return render(request, "screening/self_report.html", {"form": form, "limited": limited}, status=status)


def self_report_done(request, code: str):
    shown = request.session.get("last_receipt") == code
    return render(request, "screening/self_report_done.html", {"code": code if shown else ""})


def receipt_status(request):
    """Look up a report by receipt code and the phone's last four digits; shows masked data only."""
    form = ReceiptLookupForm(request.GET or None)
    found = None
    if form.is_bound and form.is_valid():
        lead = (Lead.objects.select_related("verification").filter(receipt_code=form.cleaned_data["code"].upper().strip())
                .first())
        if lead and lead.phone.endswith(form.cleaned_data["phone_tail"]):
            v = lead.verification
            state = (_("已办结") if v and v.status == VerificationStatus.CLOSED
                     else _("已受理,工作人员正在核实") if v else _("已受理"))
            found = {"name": mask_name(lead.name), "received_at": lead.received_at, "state": state}
            audit.record(AuditAction.VIEW, lead, verb="receipt_lookup")
        else:
            form.add_error(None, _("没有找到对应的报备,请核对回执码和手机号后四位"))
    return render(request, "screening/receipt.html", {"form": form, "found": found})
