"""The staff's own account pages: two-factor setup and sign-in, recovery codes, the
password. The work is in accounts.twofactor; these parse and render."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import security, staff_session, twofactor
from accounts.forms import CodeForm, SetupForm
from accounts.models import SecurityEvent


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _private(response):
    # Secrets (the key, recovery codes) must not stay in the browser's cache.
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@login_required
def security_page(request):
    user = request.user
    return render(
        request,
        "accounts/security.html",
        {
            "enabled": twofactor.enabled_for(user),
            "required": twofactor.required_for(user),
            "codes_left": twofactor.recovery_codes_left(user),
        },
    )


@never_cache
@login_required
def otp_setup(request):
    if twofactor.enabled_for(request.user) and not twofactor.verified(request.session):
        # Replacing an authenticator needs the current one first: a password alone must
        # not be enough to register an attacker's phone.
        return redirect(f"{reverse('accounts:otp_verify')}?next={reverse('accounts:otp_setup')}")
    device = twofactor.pending_authenticator(request.user)
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.confirm_setup(request, form.cleaned_data["code"])
        except twofactor.TokenRefused as exc:
            form.add_error("code", str(exc))
        else:
            staff_session.second_factor_done(request.session)
            return _private(
                render(
                    request,
                    "accounts/recovery_codes.html",
                    {"codes": codes, "next": _next(request), "first_time": True},
                )
            )
    return _private(
        render(
            request,
            "accounts/otp_setup.html",
            {
                "form": form,
                "qr": twofactor.qr_svg(device),
                "secret": twofactor.secret_text(device),
                "required": twofactor.required_for(request.user),
                "next": _next(request),
            },
            status=400 if form.is_bound else 200,
        )
    )


@never_cache
@login_required
def otp_verify(request):
    if not twofactor.enabled_for(request.user):
        return redirect(reverse("accounts:otp_setup"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            used = twofactor.verify(request, form.cleaned_data["code"])
        except twofactor.TokenRefused as exc:
            form.add_error("code", str(exc))
        else:
            staff_session.second_factor_done(request.session)
            if used == "recovery":
                left = twofactor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    _(
                        "您用了一个恢复码登录，还剩 %(n)d 个。如手机已丢失，请在“账户安全”重新设置验证器。"
                    )
                    % {"n": left},
                )
            return redirect(_next(request))
    return render(
        request,
        "accounts/otp_verify.html",
        {"form": form, "next": _next(request)},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def recovery_codes(request):
    if not twofactor.enabled_for(request.user):
        return redirect("accounts:security")
    codes = twofactor.regenerate_recovery_codes(request)
    return _private(
        render(
            request,
            "accounts/recovery_codes.html",
            {"codes": codes, "next": reverse("accounts:security"), "first_time": False},
        )
    )


@login_required
@require_POST
def otp_disable(request):
    try:
        twofactor.disable(request)
    except twofactor.CannotDisable as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已停用两步验证。"))
    return redirect("accounts:security")


@never_cache
@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        security.record(SecurityEvent.Kind.PASSWORD_CHANGED, request=request)
        messages.success(request, _("密码已修改。"))
        return redirect("accounts:security")
    return render(
        request,
        "accounts/password.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )
