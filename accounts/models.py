"""The security log: who signed in, failed, was locked out, changed their second
factor, was refused a page, or exported data. Kept apart from the case log
(cases.CaseEvent), which is about one case; these are about accounts and the site.

Kept for SECURITY_LOG_RETENTION_DAYS (at least 180: 网络安全法 art. 21(3) asks for
network logs to be kept no less than six months); `accounts.security.purge` deletes
older rows and is the only thing that deletes any."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SecurityEvent(models.Model):
    class Kind(models.TextChoices):
        LOGIN = "login", _("登录成功")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKOUT = "lockout", _("登录被锁定")
        UNLOCK = "unlock", _("解除登录锁定")
        LOGOUT = "logout", _("退出登录")
        SESSION_EXPIRED = "session_expired", _("会话超时退出")
        OTP_VERIFIED = "otp_verified", _("两步验证通过")
        OTP_FAILED = "otp_failed", _("两步验证失败")
        OTP_ENABLED = "otp_enabled", _("启用两步验证")
        OTP_DISABLED = "otp_disabled", _("停用两步验证")
        OTP_RESET = "otp_reset", _("管理员重置两步验证")
        RECOVERY_CODES = "recovery_codes", _("生成恢复码")
        RECOVERY_CODE_USED = "recovery_code_used", _("使用恢复码登录")
        PASSWORD_CHANGED = "password_changed", _("修改密码")
        PERMISSION_DENIED = "permission_denied", _("越权访问被拒绝")
        EXPORT = "export", _("导出数据")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    kind = models.CharField(_("事件"), max_length=30, choices=Kind.choices)
    # Whom the event is about; for an admin's act (unlock, reset) the actor is separate.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The username as typed (a failed login may name no account) or as it was then.
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ip = models.CharField(_("IP 地址"), max_length=45, blank=True)
    path = models.CharField(_("页面"), max_length=200, blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("安全日志")
        verbose_name_plural = _("安全日志")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["kind", "at"]),
            # The per-address ceiling on failed logins counts by address and time.
            models.Index(fields=["ip", "kind", "at"]),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("SecurityEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("SecurityEvent is append-only; old rows go by retention only")


class LanguagePreference(models.Model):
    """The interface language a staff member chose with the language switch; it follows
    them to every device they sign in on (accounts.language)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账户"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="language_preference",
    )
    language = models.CharField(_("界面语言"), max_length=10, choices=settings.LANGUAGES)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("界面语言偏好")
        verbose_name_plural = _("界面语言偏好")

    def __str__(self):
        return f"{self.user} · {self.language}"
