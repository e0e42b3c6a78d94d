"""The self-help pages behind a station's QR code (/s/<station code>/): the phone, the
SMS code, the worker's open cases if any, the request, the receipt. No account; the
proven phone waits in the server-side session for 30 minutes.

Views parse input, make one call to cases.selfhelp, and redirect or render."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import evidence
from cases.models import Case, ConsentText, StatusLookup, Worker
from cases.selfhelp import phone as phones
from cases.selfhelp import submission
from cases.selfhelp.forms import PLATFORM_SUGGESTIONS, PhoneForm, RequestForm, SmsCodeForm
from cases.status import lookup, page, session
from cases.validators import mask_phone
from config import storage
from stations.models import Station

RECEIPT_KEY = "selfhelp_receipt"
SENT = _("验证码已发送到您的手机，10 分钟内有效。")


def _station(code):
    return Station.objects.filter(code=code, active=True).first()


def _unknown(request, code):
    return render(request, "selfhelp/unknown.html", {"code": code[:40]}, using="worker", status=404)


def start(request, code):
    """Step 1: what this page is, and the phone number."""
    station = _station(code)
    if station is None:
        return _unknown(request, code)
    if phones.proven_phone(request.session) is not None:
        return redirect("selfhelp:cases", code=station.code)
    form = PhoneForm(request.POST or None)
    form.fields["phone"].help_text = _("我们会发短信验证码到这个号码，工会也会打这个电话联系您。")
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        try:
            phones.request_code(station, phone, lookup.client_ip(request))
        except lookup.Refused as refusal:
            form.add_error("phone", refusal.message)
        else:
            phones.start_pending(request.session, station.code, phone)
            request.session.set_expiry(int(session.PENDING_TTL.total_seconds()))
            messages.success(request, SENT)
            return redirect("selfhelp:verify", code=station.code)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "selfhelp/start.html",
        {"station": station, "form": form, "step": 1},
        using="worker",
        status=status,
    )


def verify(request, code):
    """Step 2: the SMS code."""
    station = _station(code)
    if station is None:
        return _unknown(request, code)
    phone = phones.pending_phone(request.session, station.code)
    if phone is None:
        return redirect("selfhelp:start", code=station.code)
    form = SmsCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proven = phones.verify(phone, form.cleaned_data["code"], lookup.client_ip(request))
        except lookup.Refused as refusal:
            form.add_error("code", refusal.message)
        else:
            phones.remember_proven(request.session, proven)
            response = redirect("selfhelp:cases", code=station.code)
            if proven.worker_ids:
                # The phone is proven: "查看进度" opens the status page without a second code.
                verified = lookup.Verified(StatusLookup.Outcome.CODE_OK, proven.worker_ids)
                response.set_cookie(
                    session.STATUS_COOKIE,
                    session.session_cookie(verified, phone),
                    **session.cookie_options(),
                )
            return response
    context = {"station": station, "form": form, "masked_phone": mask_phone(phone), "step": 2}
    status = 400 if request.method == "POST" else 200
    return render(request, "selfhelp/verify.html", context, using="worker", status=status)


@require_POST
def resend(request, code):
    station = _station(code)
    if station is None:
        return _unknown(request, code)
    phone = phones.pending_phone(request.session, station.code)
    if phone is None:
        return redirect("selfhelp:start", code=station.code)
    try:
        phones.request_code(station, phone, lookup.client_ip(request))
    except lookup.Refused as refusal:
        messages.error(request, refusal.message)
    else:
        phones.start_pending(request.session, station.code, phone)
        messages.success(request, SENT)
    return redirect("selfhelp:verify", code=station.code)


def open_cases(request, code):
    """A phone with open cases sees them first (as on the status page), and may still
    go on: "this is a new problem"."""
    station = _station(code)
    if station is None:
        return _unknown(request, code)
    proven = phones.proven_phone(request.session)
    if proven is None:
        return redirect("selfhelp:start", code=station.code)
    today, language = timezone.localdate(), translation.get_language()
    shown = [
        page.case_view(row, today, language)
        for row in page.worker_cases(proven.worker_ids, page.MAX_SHOWN)
        if row["state"] in Case.OPEN_STATES
    ]
    if not shown:
        return redirect("selfhelp:request", code=station.code)
    return render(
        request,
        "selfhelp/open_cases.html",
        {"station": station, "cases": shown, "step": 3},
        using="worker",
    )


def new_request(request, code):
    """Step 3: what happened. A form sent twice makes one case (its token)."""
    station = _station(code)
    if station is None:
        return _unknown(request, code)
    proven = phones.proven_phone(request.session)
    if proven is None:
        messages.warning(request, _("为保护您的信息，验证已超过 30 分钟，请重新验证手机号。"))
        return redirect("selfhelp:start", code=station.code)
    consent = ConsentText.current()
    status = 200
    if request.method == "POST":
        form = RequestForm(request.POST, request.FILES, consent=consent)
        if form.is_bot:
            return render(
                request, "selfhelp/refused.html", {"station": station}, using="worker", status=400
            )
        if form.is_valid():
            try:
                with storage.written():
                    done = submission.submit(
                        station=station,
                        phone=proven.phone,
                        token=form.cleaned_data["token"],
                        data=form.cleaned_data,
                        photos=form.cleaned_data["photos"],
                        consent=consent,
                    )
            except submission.Refused as refusal:
                form.add_error(None, refusal.message)
            except storage.StorageUnavailable as exc:
                form.add_error(None, str(exc))
            else:
                if done.access_code:
                    request.session[RECEIPT_KEY] = {
                        "number": done.case.number,
                        "code": done.access_code,
                    }
                return redirect("selfhelp:receipt", code=station.code, number=done.case.number)
        status = 400
    else:
        token = submission.open_request(station, proven.phone).token
        form = RequestForm(
            initial={"token": token, "consent_version": consent.version if consent else ""},
            consent=consent,
        )
    context = {
        "station": station,
        "form": form,
        "consent": consent,
        "problems": submission.PROBLEMS,
        "suggestions": PLATFORM_SUGGESTIONS,
        "max_photos": submission.MAX_PHOTOS,
        "photos_lost": status == 400 and bool(request.FILES),
        "step": 3,
    }
    return render(request, "selfhelp/request.html", context, using="worker", status=status)


def receipt(request, code, number):
    """The receipt: the case number, and the access code shown this once."""
    station = _station(code)
    if station is None:
        return _unknown(request, code)
    proven = phones.proven_phone(request.session)
    case = (
        Case.objects.filter(
            number=number, station=station, self_reported=True, worker__phone=proven.phone
        ).first()
        if proven is not None
        else None
    )
    if case is None:
        return redirect("selfhelp:start", code=station.code)
    shown = request.session.get(RECEIPT_KEY) or {}
    access_code = None
    if shown.get("number") == case.number:
        access_code = shown.get("code")
        del request.session[RECEIPT_KEY]
    response = render(
        request,
        "selfhelp/receipt.html",
        {
            "station": station,
            "case": case,
            "access_code": access_code,
            "next_step": page.next_step(Case.State.RECEIVED, ""),
            "status_url": request.build_absolute_uri(reverse("status:start")),
            "checklist": [evidence.ITEMS[c] for c in evidence.items_for(case.claim_list)],
        },
        using="worker",
    )
    # The phone was proven by SMS a few minutes ago: "查询进度" opens this number's
    # cases without a second code, as after the status page's own step 2.
    workers = list(Worker.objects.filter(phone=proven.phone).values_list("pk", flat=True))
    verified = lookup.Verified(StatusLookup.Outcome.CODE_OK, workers)
    response.set_cookie(
        session.STATUS_COOKIE,
        session.session_cookie(verified, proven.phone),
        **session.cookie_options(),
    )
    return response


@require_POST
def leave(request, code):
    phones.forget(request.session)
    messages.success(request, _("您已退出。"))
    return redirect("selfhelp:start", code=code)
