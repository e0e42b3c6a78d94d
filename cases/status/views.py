"""The worker's status page: phone number, code, cases. No account.

Views parse input, make one call to cases.status, and redirect or render.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from cases.models import SmsMessage
from cases.status import lookup, page, session
from cases.validators import mask_phone, normalize_mobile

SENT_MESSAGE = gettext_lazy("如果该号码登记过求助，验证码已发送，10 分钟内有效。")
RECEIPT_MESSAGE = gettext_lazy(
    "请输入登记回执上的 8 位查询码。没有回执的话，点“没收到？重新获取验证码”收短信验证码。"
)


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("手机号"),
        max_length=30,
        help_text=gettext_lazy("请填写您在驿站登记求助时留下的手机号。"),
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "13800138000"}
        ),
        error_messages={"required": gettext_lazy("请输入您在驿站登记时留下的手机号。")},
    )

    def clean_phone(self):
        phone = normalize_mobile(self.cleaned_data["phone"])
        if phone is None:
            raise forms.ValidationError(_("请输入正确的 11 位手机号，例如 13800138000。"))
        return phone


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("验证码或查询码"),
        max_length=20,
        help_text=gettext_lazy("短信里的 6 位验证码，或登记回执上的 8 位查询码。"),
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9０-９ -]*",
            }
        ),
        error_messages={"required": gettext_lazy("请输入验证码或查询码。")},
    )

    def clean_code(self):
        code = lookup.normalize_code(self.cleaned_data["code"])
        if not code.isdigit() or len(code) not in (lookup.CODE_LENGTH, lookup.RECEIPT_CODE_LENGTH):
            raise forms.ValidationError(_("请输入短信里的 6 位验证码，或回执上的 8 位查询码。"))
        return code


def _status_session(request):
    """The open status session from the signed cookie, or None (expired counts as none)."""
    try:
        return session.read_session_cookie(request.COOKIES.get(session.STATUS_COOKIE))
    except session.SessionExpired:
        return None


def start(request):
    """Step 1: the phone number."""
    if _status_session(request) is not None:
        return redirect("status:cases")
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        if "receipt" in request.POST:
            # The receipt's access code needs no SMS: straight to step 2, nothing sent.
            _wait_for_code(request, phone)
            messages.info(request, RECEIPT_MESSAGE)
            return redirect("status:verify")
        try:
            lookup.request_code(phone, lookup.client_ip(request))
        except lookup.Refused as refusal:
            if not refusal.sms_only:
                form.add_error("phone", refusal.message)
            else:
                # No new SMS code now, but the receipt code still opens step 2.
                _wait_for_code(request, phone)
                messages.warning(request, refusal.message)
                return redirect("status:verify")
        else:
            _wait_for_code(request, phone)
            messages.success(request, SENT_MESSAGE)
            return redirect("status:verify")
    return render(request, "status/start.html", {"form": form}, using="worker")


def verify(request):
    """Step 2: the SMS code or the receipt's access code."""
    phone = session.pending_phone(request.session)
    if phone is None:
        return redirect("status:start")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verified = lookup.verify(phone, form.cleaned_data["code"], lookup.client_ip(request))
        except lookup.Refused as refusal:
            form.add_error("code", refusal.message)
        else:
            session.forget_pending(request.session)
            response = redirect("status:cases")
            response.set_cookie(
                session.STATUS_COOKIE,
                session.session_cookie(verified, phone),
                **session.cookie_options(),
            )
            return response
    context = {"form": form, "masked_phone": mask_phone(phone)}
    return render(request, "status/verify.html", context, using="worker")


@require_POST
def resend(request):
    phone = session.pending_phone(request.session)
    if phone is None:
        return redirect("status:start")
    try:
        lookup.request_code(phone, lookup.client_ip(request))
    except lookup.Refused as refusal:
        messages.error(request, refusal.message)
    else:
        _wait_for_code(request, phone)
        messages.success(request, SENT_MESSAGE)
    return redirect("status:verify")


def _wait_for_code(request, phone):
    session.start_pending(request.session, phone)
    if not request.user.is_authenticated:
        # The phone number waits in this session row for step 2: the row lapses with
        # the code (the hourly clearsessions job deletes it), not in the two weeks a
        # staff login lasts.
        request.session.set_expiry(session.PENDING_TTL)


@cache_control(private=True, no_store=True)  # not left in a shared phone's cache
def cases(request):
    """Step 3: this phone's cases, for 15 minutes. One query: the cases (the session is
    a signed cookie, the page touches neither the session table nor the user)."""
    try:
        opened = session.read_session_cookie(request.COOKIES.get(session.STATUS_COOKIE))
    except session.SessionExpired:
        messages.warning(request, _("查询已超过 15 分钟，为保护您的信息，请重新验证。"))
        return _ended(redirect("status:start"))
    if opened is None:
        return _ended(redirect("status:start"))
    cases, more = page.shown_cases(opened.workers, timezone.localdate())
    return render(
        request,
        "status/cases.html",
        {"cases": cases, "more": more, "minutes_left": opened.minutes_left()},
        using="worker",
    )


def _ended(response):
    """Drop the status cookie (expired, forged, or the worker left)."""
    options = session.cookie_options()
    response.delete_cookie(
        session.STATUS_COOKIE, path=options["path"], samesite=options["samesite"]
    )
    return response


@require_POST
def logout(request):
    request.session.pop(session.PENDING_KEY, None)
    messages.success(request, _("您已退出查询。"))
    return _ended(redirect("status:start"))


def outbox(request):
    """DEBUG only, staff only: the SMS outbox, what was sent to whom. Codes are masked in
    every stored copy (cases.notices.sms), so a local tester reads them where `make run`
    prints them (the console backend, the DEBUG default). 404 otherwise."""
    if not (settings.DEBUG and request.user.is_staff):
        raise Http404
    queryset = SmsMessage.objects.order_by("-created_at", "-pk")
    query = lookup.normalize_code(request.GET.get("q", ""))
    if query:
        queryset = queryset.filter(phone__contains=query[-11:])
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    rows = [(sms, mask_phone(sms.phone)) for sms in page]
    return render(
        request, "status/outbox.html", {"page": page, "rows": rows, "q": request.GET.get("q", "")}
    )
