"""The worker who asks for help, and the consent text read to them at intake."""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from cases.encryption import EncryptedTextField, IdNumberHashField, id_number_hashes
from cases.validators import (
    birth_date_from_id,
    mask_id_number,
    mask_phone,
    normalize_id_number,
    validate_id_number,
    validate_postcode,
)


class WorkerQuerySet(models.QuerySet):
    def with_id_number(self, value: str):
        """Workers with this ID number, found by its keyed hash (the column is encrypted)."""
        hashes = id_number_hashes(value)
        return self.filter(id_number_hash__in=hashes) if hashes else self.none()


class Worker(models.Model):
    class Platform(models.TextChoices):
        MEITUAN = "meituan", _("美团")
        ELEME = "eleme", _("饿了么")
        SF = "sf", _("顺丰")
        JD = "jd", _("京东")
        DIDI = "didi", _("滴滴")
        HUOLALA = "huolala", _("货拉拉")
        DADA = "dada", _("达达")
        ZTO = "zto", _("中通/圆通/韵达等快递")
        OTHER = "other", _("其他")
        # The volunteer asked and the worker could not say: recorded as such, never
        # guessed (a default platform fed every statistic with riders nobody met).
        UNKNOWN = "unknown", _("不确定")

    class Arrangement(models.TextChoices):
        CONTRACT = "contract", _("劳动合同")
        AGENCY = "agency", _("外包/劳务派遣")
        CROWD = "crowd", _("众包")
        UNKNOWN = "unknown", _("不清楚")

    name = models.CharField(_("姓名"), max_length=50)
    phone = PhoneNumberField(_("手机号"), region="CN", db_index=True)
    # Encrypted at rest (PIPL art. 51); matched through its keyed hash (cases/encryption.py).
    id_number = EncryptedTextField(
        _("身份证号"), max_length=18, blank=True, validators=[validate_id_number]
    )
    id_number_hash = IdNumberHashField(source="id_number", db_index=True, db_default="")
    platform = models.CharField(
        _("平台"), max_length=20, choices=Platform.choices, default=Platform.UNKNOWN
    )
    arrangement = models.CharField(
        _("用工方式"), max_length=20, choices=Arrangement.choices, default=Arrangement.UNKNOWN
    )
    # What the forms filed for the worker need beyond intake (调解仲裁法 28 II (一),
    # 民事诉讼法 124 (一), 工伤认定申请表): all optional, completed by the lawyer.
    birth_date = models.DateField(
        _("出生日期"), null=True, blank=True, help_text=_("有身份证号时可不填，按身份证号计算")
    )
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    occupation = models.CharField(
        _("职业"), max_length=50, blank=True, help_text=_("如实填写，例如“外卖配送员”")
    )
    domicile = models.CharField(
        _("住所（户籍地）"), max_length=200, blank=True, help_text=_("身份证或户口簿记载的地址")
    )
    mailing_address = models.CharField(
        _("通讯地址"), max_length=200, blank=True, help_text=_("能收到仲裁、法院文书的地址")
    )
    postcode = models.CharField(
        _("邮政编码"), max_length=6, blank=True, validators=[validate_postcode]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the worker's personal data was removed (retention or their request).
    anonymised_at = models.DateTimeField(_("匿名化时间"), null=True, blank=True)

    objects = WorkerQuerySet.as_manager()

    class Meta:
        verbose_name = _("劳动者")
        verbose_name_plural = _("劳动者")

    def __str__(self):
        return f"{self.name} {self.masked_phone}"

    def save(self, *args, **kwargs):
        # The hash must follow the number on a partial save too (update_worker saves
        # only the fields that changed).
        fields = kwargs.get("update_fields")
        if fields is not None and "id_number" in fields:
            kwargs["update_fields"] = {*fields, "id_number_hash"}
        super().save(*args, **kwargs)

    def clean(self):
        self.id_number = normalize_id_number(self.id_number)

    @property
    def born(self):
        """The birth date: as entered, else from the ID number (GB 11643 digits 7–14)."""
        if self.birth_date:
            return self.birth_date
        return birth_date_from_id(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class ConsentText(models.Model):
    """A version of the PIPL consent text read to the worker at intake."""

    version = models.CharField(_("版本"), max_length=20, unique=True)
    text = models.TextField(_("告知同意书正文"))
    # The same version in English, shown when the page is in English: a worker reading
    # English agrees to this translation of the Chinese text, which is the one in force.
    text_en = models.TextField(_("英文文本"), blank=True)
    active = models.BooleanField(_("当前使用"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("个人信息告知同意书")
        verbose_name_plural = _("个人信息告知同意书")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="one_active_consent"
            )
        ]

    def __str__(self):
        return f"v{self.version}"

    @classmethod
    def current(cls):
        return cls.objects.filter(active=True).first()

    @property
    def shown_text(self) -> str:
        """The text in the page's language (Chinese when there is no English version)."""
        if self.text_en and (get_language() or "").startswith("en"):
            return self.text_en
        return self.text
