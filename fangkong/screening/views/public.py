"""群众自报: the public self-report page (no login), its receipt, and the status lookup."""

from __future__ import annotations

import datetime as dt

import segno
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_protect

from fangkong.control.choices import MeasureStatus, TestStatus
from fangkong.core import audit, ratelimit
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditAction, AuditSource
from fangkong.core.middleware import client_ip
from fangkong.core.pii import mask_name

from ..actions import do_submit_lead
from ..choices import Channel, Outcome, VerificationStatus
from ..forms import ReceiptLookupForm, SelfReportForm
from ..models import Lead

RATE_LIMIT = 5  # submissions per address per hour
RATE_WINDOW = 3600
LOOKUP_LIMIT = 20  # status look-ups per address per hour: a receipt code and 4 digits are guessable


def _rate_key(request) -> str:
    return f"screening:selfreport:{client_ip(request) or 'unknown'}"


@csrf_protect
def self_report(request):
    """Phone-first form; the notice is shown above the submit button and must be accepted."""
    key = _rate_key(request)
    limited = ratelimit.exceeded(key, limit=RATE_LIMIT, window=RATE_WINDOW)
    form = SelfReportForm(request.POST or None)
    if request.method == "POST" and not limited and form.is_valid():
        # Counted in the database: every app-server process shares the address's one quota.
        limited = not ratelimit.allow(key, limit=RATE_LIMIT, window=RATE_WINDOW)
    if request.method == "POST" and not limited and form.is_valid():
        with audit.audit_context(source=AuditSource.WEB):
            lead, _created = do_submit_lead(form.lead_input(), channel=Channel.SELF_REPORT, acting_user=SYSTEM)
        request.session["last_receipt"] = lead.receipt_code if lead else ""
        return redirect("screening:self_report_done")  # the receipt code stays out of the URL
    status = 429 if limited and request.method == "POST" else 200
    return render(request, "screening/self_report.html", {"form": form, "limited": limited}, status=status)


def self_report_done(request):
    """The receipt code of the report this browser just sent, kept in its session only."""
    return render(request, "screening/self_report_done.html", {"code": request.session.get("last_receipt", "")})


@csrf_protect
def receipt_status(request):
    """Look up a report by receipt code and the phone's last four digits (POST: neither travels in
    a URL, so neither lands in logs or browser history); shows masked data and what to do next."""
    key = f"screening:receipt:{client_ip(request) or 'unknown'}"
    limited = request.method == "POST" and ratelimit.exceeded(key, limit=LOOKUP_LIMIT, window=RATE_WINDOW)
    form = ReceiptLookupForm(request.POST if request.method == "POST" else None,
                             initial={"code": request.session.get("last_receipt", "")})
    found = None
    if limited:
        form.is_valid()
        form.add_error(None, _("查询次数过多，请一小时后再试"))
    elif form.is_bound and form.is_valid():
        ratelimit.hit(key, window=RATE_WINDOW)
        lead = (Lead.objects.select_related("verification__person")
                .filter(receipt_code=form.cleaned_data["code"].upper().strip()).first())
        if lead and lead.phone.endswith(form.cleaned_data["phone_tail"]):
            found = _status(lead)
            audit.record(AuditAction.VIEW, lead, verb="receipt_lookup")
        else:
            form.add_error(None, _("没有找到对应的报备，请核对回执码和手机号后四位"))
    return render(request, "screening/receipt.html", {"form": form, "found": found},
                  status=429 if limited else 200)


def _status(lead: Lead) -> dict:
    """What the person reads: the state of the case and, from the measure in force, what to do."""
    v = lead.verification
    closed = bool(v and v.status == VerificationStatus.CLOSED)
    state = _("已办结") if closed else _("已受理，工作人员正在核实") if v else _("已受理")
    todo: list[str] = []
    measure = None
    if v is not None:
        measure = v.person.measures.filter(status=MeasureStatus.ACTIVE).order_by("-starts_on").first()
    if measure is not None:
        last_day = measure.ends_on - dt.timedelta(days=1)  # ends_on is the first free day
        todo.append(_("请继续%(kind)s至%(last)s（%(release)s解除），并按工作人员的要求每日报告健康状况。") % {
            "kind": measure.get_kind_display(), "last": date_format(last_day, "MONTH_DAY_FORMAT"),
            "release": date_format(measure.ends_on, "MONTH_DAY_FORMAT")})
        test = (measure.tests.filter(status=TestStatus.PENDING, due_on__gte=timezone.localdate())
                .order_by("due_on").first())
        if test is not None:
            todo.append(_("下次%(kind)s：%(date)s，请按通知时间和地点参加。") % {
                "kind": test.get_kind_display(), "date": date_format(test.due_on, "MONTH_DAY_FORMAT")})
    elif closed and v.outcome == Outcome.CLEARED:
        todo.append(_("经核实已排除风险，请做好个人健康监测，如有发热、咳嗽等症状请及时就医并主动报告。"))
    elif closed:
        todo.append(_("无需再采取管控措施。如有发热、咳嗽等症状，请及时就医并主动报告。"))
    return {"name": mask_name(lead.name), "received_at": lead.received_at, "state": state, "todo": todo}


@cache_control(public=True, max_age=86400)
def self_report_qr(request):
    """The QR code of the self-report page (SVG), for the login page, posters and WeChat groups."""
    base = getattr(settings, "FANGKONG_PUBLIC_URL", "")
    path = reverse("screening:self_report")
    url = base.rstrip("/") + path if base else request.build_absolute_uri(path)
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#1d2733", title=url)
    # An SVG file (unlike SVG inside HTML) needs its namespace for <img> to draw it.
    svg = svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    return HttpResponse(svg, content_type="image/svg+xml")
