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


def clean_id_number(value: str) -> str:
    """An optional ID number as a form field's clean method returns it: normalised, and
    checked when given."""
    value = normalize_id_number(value)
    if value:
        validate_id_number(value)
    return value


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


def birth_date_from_id(value: str) -> datetime.date | None:
    """Digits 7–14 of an 18-digit ID number as a date, or None."""
    value = normalize_id_number(value)
    if len(value) != 18:
        return None
    try:
        return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


POSTCODE_RE = re.compile(r"^\d{6}$")


def validate_postcode(value: str) -> None:
    if value and not POSTCODE_RE.match(value):
        raise ValidationError(_("邮政编码应为 6 位数字。"))


def mask_id_number(value: str) -> str:
    return f"{value[:3]}***********{value[-4:]}" if value else ""


def mask_phone(phone) -> str:
    """+8613800138000 → 138****8000."""
    digits = str(phone or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else digits


# 统一社会信用代码 (GB 32100-2015): 18 characters from 0-9 and the capitals without
# I, O, Z, S, V. 1: 登记管理部门代码 (1-9, A, N, Y); 2: 机构类别代码; 3-8: the registering
# office's GB/T 2260 division code (digits); 9-17: 主体标识码; 18: check character.
# python-stdnum's cn.uscc refuses a code whose first eight characters are not all
# digits, so it would reject valid codes of 中央军委改革和编制办公室 (A), 农业 (N) and
# 其他 (Y) registrations: the format check is ours, and so is the check character
# (weights 3^(i-1) mod 31, C18 = alphabet[(31 - Σ v·w mod 31) mod 31]).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
USCC_RE = re.compile(r"^[1-9ANY][0-9A-HJ-NPQRTUWXY]\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def normalize_credit_code(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").strip().upper().replace(" ", "")


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    value = normalize_credit_code(value)
    if not value:
        return
    if len(value) != 18:
        raise ValidationError(_("统一社会信用代码应为 18 位。"))
    if not USCC_RE.match(value):
        raise ValidationError(
            _(
                "统一社会信用代码格式不对：只能由数字和大写字母组成（不含 I、O、Z、S、V），第 3–8 位为数字。"
            )
        )
    if uscc_check_char(value[:17]) != value[17]:
        raise ValidationError(_("统一社会信用代码校验位不正确，请核对营业执照。"))
