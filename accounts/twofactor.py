"""Two-factor sign-in for staff: an authenticator app (TOTP, django-otp) plus one-time
recovery codes.

Required (STAFF_2FA_REQUIRED, on by default when DEBUG is off) for union coordinators
and admins, Django staff and superusers: they see every case of a region or the whole
back office. Optional for volunteers and lawyers, who may turn it on from the account
page; once on, it is asked at every login like for the others. The demo (`make run`,
DEBUG on) leaves it off so the demo accounts sign in with their password alone; set
STAFF_2FA_REQUIRED=1 to try it there.

Recovery codes are django-otp static tokens: each works once (the token row is deleted
when it matches). Both kinds of device are throttled by django-otp after failures. An
admin's reset deletes a user's devices; if the role requires it, the next login asks
for a new setup.
"""

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY, verify_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import security
from accounts.models import SecurityEvent
from stations.models import Access

Kind = SecurityEvent.Kind

RECOVERY_DEVICE = "recovery"
AUTHENTICATOR = "authenticator"


def required_for(user) -> bool:
    """Whether this user's role requires two-factor sign-in (when it is enforced)."""
    if not settings.STAFF_2FA_REQUIRED or not user.is_authenticated:
        return False
    return user.is_superuser or user.is_staff or Access.of(user).is_coordinator


def authenticator(user, confirmed=True):
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def enabled_for(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def owed_at_login(user) -> str:
    """ "verify" when the user has an authenticator, "setup" when their role requires
    one and they have none, else ""."""
    if enabled_for(user):
        return "verify"
    if required_for(user):
        return "setup"
    return ""


def verified(session) -> bool:
    return bool(session.get(DEVICE_ID_SESSION_KEY))


# --- setting up ---------------------------------------------------------------


def pending_authenticator(user) -> TOTPDevice:
    """The unconfirmed authenticator being set up (the same one on every reload of the
    setup page, so a scanned QR code stays valid until confirmed)."""
    device = authenticator(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code (no image request, no data: URL)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def secret_text(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app by hand."""
    key = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


class TokenRefused(Exception):
    """The code was wrong or verification is throttled; the message is for the user."""


def _refusal(device) -> str:
    allowed, info = device.verify_is_allowed()
    if not allowed and info and info.get("reason") == "N_FAILED_ATTEMPTS":
        return _("验证码错误次数过多，请稍等片刻再试。")
    return _("验证码不正确，请核对手机上显示的 6 位数字后重试。")


def confirm_setup(request, token: str) -> list[str]:
    """Confirm the pending authenticator with a code from the app; the session is then
    verified. Returns the new recovery codes (shown once)."""
    user = request.user
    device = pending_authenticator(user)
    if verify_token(user, device.persistent_id, _digits(token)) is None:
        device.refresh_from_db()
        raise TokenRefused(_refusal(device))
    with transaction.atomic():
        # One authenticator per user: an older one (a lost phone) is replaced.
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
    otp_login(request, device)
    security.record(Kind.OTP_ENABLED, request=request)
    security.record(Kind.RECOVERY_CODES, request=request, count=len(codes))
    return codes


# --- signing in ---------------------------------------------------------------


def verify(request, code: str) -> str:
    """Check a code at login: six digits against the authenticator, anything else
    against the recovery codes. Returns "totp" or "recovery"; raises TokenRefused."""
    user = request.user
    digits = _digits(code)
    if len(digits) == 6 and digits == code.strip().replace(" ", ""):
        device = authenticator(user)
        if device is not None and verify_token(user, device.persistent_id, digits):
            otp_login(request, device)
            security.record(Kind.OTP_VERIFIED, request=request, reason="totp")
            return "totp"
        security.record(Kind.OTP_FAILED, request=request, reason="totp")
        raise TokenRefused(_refusal(device) if device else _("验证码不正确。"))
    device = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE).first()
    token = _recovery_form(code)
    if device is not None and verify_token(user, device.persistent_id, token):
        otp_login(request, device)
        left = StaticToken.objects.filter(device=device).count()
        security.record(Kind.RECOVERY_CODE_USED, request=request, reason="recovery", count=left)
        return "recovery"
    security.record(Kind.OTP_FAILED, request=request, reason="recovery")
    raise TokenRefused(_("恢复码不正确或已经用过。每个恢复码只能使用一次。"))


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_DEVICE).count()


# --- managing -----------------------------------------------------------------


def regenerate_recovery_codes(request) -> list[str]:
    codes = _new_recovery_codes(request.user)
    security.record(Kind.RECOVERY_CODES, request=request, count=len(codes))
    return codes


class CannotDisable(Exception):
    pass


def disable(request) -> None:
    """Turn two-factor sign-in off for oneself, where the role allows it."""
    user = request.user
    if required_for(user):
        raise CannotDisable(_("您的角色必须使用两步验证，不能停用。"))
    _delete_devices(user)
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    security.record(Kind.OTP_DISABLED, request=request)


def reset(user, *, by, request=None) -> None:
    """An admin's reset (a lost phone and no recovery code): the user's devices go;
    their next login sets up a new authenticator if their role requires one."""
    _delete_devices(user)
    security.record(Kind.OTP_RESET, request=request, user=user, actor=by)


def _delete_devices(user) -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def _new_recovery_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE)
    device.token_set.all().delete()
    tokens = [StaticToken.random_token() for _i in range(settings.OTP_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=t) for t in tokens])
    return [f"{t[:4]}-{t[4:]}" for t in tokens]


def _digits(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isdigit())[:6]


def _recovery_form(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())[:16]
