"""The API's own rows: clients and their tokens, the call log, the rate-limit windows,
idempotency keys of intake, webhook subscriptions and deliveries.

A client acts through its own system account (`user`, inactive, no membership): the
case log names it as the actor of what it did. Its scope is `region_prefix`, read by
api/access.py as if it were a coordinator's (or an analyst's, for `ANALYST`)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stations.regions import validate_region_prefix


class Scope(models.TextChoices):
    INTAKE = "intake", _("登记求助")
    CASES_READ = "cases:read", _("查看案件")
    CASES_TRANSITION = "cases:transition", _("办理案件（状态变更）")
    STATS_READ = "stats:read", _("统计数据")
    WEBHOOKS = "webhooks", _("变更通知（Webhook）")


class ApiClient(models.Model):
    class Kind(models.TextChoices):
        PARTNER = "partner", _("业务系统（如 12351 热线、服务平台）")
        ANALYST = "analyst", _("统计分析（只看汇总，小数字隐藏）")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.PARTNER)
    region_prefix = models.CharField(
        _("地区范围"),
        max_length=6,
        validators=[validate_region_prefix],
        help_text=_("行政区划代码前缀，例如 53（省）、5301（市）、530103（区）。"),
    )
    scopes = models.JSONField(_("允许的操作"), default=list, blank=True)
    contact = models.CharField(_("联系人"), max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("系统账户"),
        on_delete=models.PROTECT,
        related_name="api_client",
    )
    rate_per_minute = models.PositiveIntegerField(_("每分钟请求上限"), default=120)
    # The token: "yz_<prefix>_<secret>"; only the prefix (to find the row) and the
    # SHA-256 of the whole token are stored.
    token_prefix = models.CharField(_("令牌前缀"), max_length=16, unique=True)
    token_hash = models.CharField(max_length=64)
    token_expires_at = models.DateTimeField(_("令牌到期"))
    revoked_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("对接客户端")
        verbose_name_plural = _("对接客户端")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class ApiCall(models.Model):
    """Every call a client made: which operation, on which case, with what answer."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    client = models.ForeignKey(
        ApiClient, verbose_name=_("客户端"), null=True, on_delete=models.SET_NULL
    )
    operation = models.CharField(_("操作"), max_length=60)
    case_number = models.CharField(_("案件编号"), max_length=40, blank=True)
    status = models.PositiveSmallIntegerField(_("结果"))
    ip = models.CharField(_("IP 地址"), max_length=45, blank=True)

    class Meta:
        verbose_name = _("接口调用记录")
        verbose_name_plural = _("接口调用记录")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["client", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.operation} {self.status}"


class RateWindow(models.Model):
    """Calls of one client in one minute; shared by every web node (api/ratelimit.py)."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE)
    minute = models.DateTimeField()
    calls = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "minute"], name="api_rate_window_unique")
        ]

    def __str__(self):
        return f"{self.client_id} {self.minute:%H:%M} {self.calls}"


class IdempotencyKey(models.Model):
    """An intake request's Idempotency-Key: the unique constraint makes a retried (or
    parallel) request find the first one's case instead of creating another."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE)
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of the request body
    case = models.ForeignKey("cases.Case", null=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="api_idempotency_key_unique")
        ]

    def __str__(self):
        return self.key


class WebhookSubscription(models.Model):
    client = models.ForeignKey(
        ApiClient,
        verbose_name=_("客户端"),
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    url = models.URLField(_("接收地址"), max_length=500)
    # "whsec_" + base64 of 32 random bytes (the Standard Webhooks form).
    secret = models.CharField(_("签名密钥"), max_length=100)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("变更通知订阅")
        verbose_name_plural = _("变更通知订阅")

    def __str__(self):
        return f"{self.client} → {self.url}"


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已送达")
        FAILED = "failed", _("放弃（多次失败）")

    subscription = models.ForeignKey(
        WebhookSubscription,
        verbose_name=_("订阅"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    # The event id ("webhook-id"): one delivery per event and subscription, whoever
    # queues it twice.
    event_id = models.CharField(_("事件编号"), max_length=40)
    payload = models.JSONField(_("内容"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), default=timezone.now)
    last_response = models.CharField(_("最近一次结果"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("变更通知投递")
        verbose_name_plural = _("变更通知投递")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"], name="api_delivery_event_unique"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.event_id} → {self.subscription_id}"
