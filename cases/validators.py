"""Validators for worker data: 身份证号 (GB 11643) and sensible dates and amounts."""

import datetime
import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ID_RE = re.compile(r"^\d{17}[\dX]$")
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def normalize_mobile(raw) -> str | None:
    """A mainland mobile number in E.164 (+8613800138000), or None.

    Accepts spaces, dashes, +86, 0086 and full-width digits. Landlines are refused:
    the worker must be able to receive the SMS codes and notices."""
    text = unicodedata.normalize("NFKC", str(raw or "")).strip()
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number) or number.country_code != 86:
        return None
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_id_number(value: str) -> str:
    # NFKC: full-width digits and Ｘ typed with a Chinese input method are still an ID.
    return unicodedata.normalize("NFKC", value or "").strip().upper().replace(" ", "")


def id_checksum(first17: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str) -> None:
    value = normalize_id_number(value)
    if not ID_RE.match(value):
        raise ValidationError(_("身份证号应为 18 位，最后一位可以是数字或 X。"))
    if id_checksum(value[:17]) != value[17]:
        raise ValidationError(_("身份证号校验位不正确，请核对后重新输入。"))
    year, month, day = int(value[6:10]), int(value[10:12]), int(value[12:14])
    try:
        born = datetime.date(year, month, day)
    except ValueError:
        raise ValidationError(_("身份证号中的出生日期无效。")) from None
    if born > timezone.localdate() or year < 1900:
        raise ValidationError(_("身份证号中的出生日期无效。"))


def mask_id_number(value: str) -> str:
    return f"{value[:3]}***********{value[-4:]}" if value else ""


def mask_phone(phone) -> str:
    """+8613800138000 → 138****8000."""
    digits = str(phone or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else digits
