"""The worker's status page: codes sent and the lookup log. Phone numbers appear
only as keyed hashes."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StatusChallenge(models.Model):
    """A 6-digit code sent by SMS to open the status page for one phone."""

    phone_hash = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("查询验证码")
        verbose_name_plural = _("查询验证码")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.phone_hash[:8]} {self.created_at:%Y-%m-%d %H:%M}"


class StatusLookup(models.Model):
    """The log of every status-page request: what was asked, from where, and the answer."""

    class Outcome(models.TextChoices):
        CODE_SENT = "code_sent", _("已发送验证码")
        CODE_OK = "code_ok", _("验证码正确")
        CODE_WRONG = "code_wrong", _("验证码错误")
        RECEIPT_OK = "receipt_ok", _("回执查询码正确")
        RECEIPT_WRONG = "receipt_wrong", _("回执查询码错误")
        RATE_LIMITED = "rate_limited", _("频率受限")
        LOCKED = "locked", _("已锁定")

    phone_hash = models.CharField(max_length=64, db_index=True)
    ip_hash = models.CharField(max_length=64, db_index=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("状态查询日志")
        verbose_name_plural = _("状态查询日志")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.phone_hash[:8]} {self.outcome}"


class StatusPhone(models.Model):
    """One row per phone number (its keyed hash) that used the status page.

    Every request for the number locks this row first (SELECT … FOR UPDATE on
    PostgreSQL; SQLite's IMMEDIATE transactions serialise writers anyway), so the
    cooldown, the daily cap and the lockouts are checked and updated one request at a
    time: twenty requests at once give one code. It also counts wrong receipt access
    codes, apart from SMS codes, so guessing SMS codes cannot lock out the receipt."""

    phone_hash = models.CharField(max_length=64, unique=True)
    receipt_failures = models.PositiveSmallIntegerField(_("查询码错误次数"), default=0)
    receipt_failed_at = models.DateTimeField(null=True, blank=True)
    receipt_locked_until = models.DateTimeField(_("查询码锁定至"), null=True, blank=True)

    class Meta:
        verbose_name = _("查询手机号")
        verbose_name_plural = _("查询手机号")

    def __str__(self):
        return self.phone_hash[:8]


class StatusAddress(models.Model):
    """One row per client address (its keyed hash), locked by every counted request
    from that address, so the per-address limit is exact under a burst."""

    ip_hash = models.CharField(max_length=64, unique=True)

    def __str__(self):
        return self.ip_hash[:8]
