"""The back office's API screens (superusers only, config/admin.py): clients (with
rotate and revoke; a new token is shown once, in the message), subscriptions,
deliveries (send again) and the call log (read-only)."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from api import tokens, webhooks
from api.models import ApiCall, ApiClient, Scope, WebhookDelivery, WebhookSubscription
from cases.admin import ReadOnlyAdmin


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("允许的操作"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiClient
        fields = ["name", "kind", "region_prefix", "scopes", "contact", "rate_per_minute"]


def _show_token(request, client, token) -> None:
    """A new token, shown once: only its hash is kept."""
    messages.warning(
        request,
        _("%(name)s 的新令牌（只显示这一次）：%(token)s") % {"name": client.name, "token": token},
    )


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region_prefix", "scopes", "token_expires_at", "revoked_at"]
    search_fields = ["name", "contact"]
    form = ApiClientForm
    fields = ["name", "kind", "region_prefix", "scopes", "contact", "rate_per_minute"]
    actions = ["rotate", "revoke"]

    def save_model(self, request, obj, form, change):
        token = None if change else tokens.prepare(obj)
        super().save_model(request, obj, form, change)
        if token:
            _show_token(request, obj, token)

    @admin.action(description=_("更换令牌（旧令牌立即失效）"))
    def rotate(self, request, queryset):
        for client in queryset:
            _show_token(request, client, tokens.rotate(client))

    @admin.action(description=_("停用令牌"))
    def revoke(self, request, queryset):
        clients = list(queryset)
        for client in clients:
            tokens.revoke(client)
        messages.success(request, _("已停用 %(n)d 个客户端的令牌。") % {"n": len(clients)})


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["client", "url", "active", "created_at"]
    list_filter = ["active"]
    fields = ["client", "url", "active"]
    readonly_fields = ["client"]

    def has_add_permission(self, request):
        return False  # a client subscribes through the API (the secret goes to it alone)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "event_id",
        "subscription",
        "status",
        "attempts",
        "next_attempt_at",
        "last_response",
        "delivered_at",
    ]
    list_filter = ["status"]
    search_fields = ["event_id"]
    actions = ["send_again"]

    @admin.action(description=_("重新发送"))
    def send_again(self, request, queryset):
        n = webhooks.send_again(queryset)
        messages.success(request, _("已重新排队 %(n)d 条。") % {"n": n})


@admin.register(ApiCall)
class ApiCallAdmin(ReadOnlyAdmin):
    list_display = ["at", "client", "operation", "case_number", "status", "ip"]
    list_filter = ["status"]
    search_fields = ["case_number", "operation"]
    date_hierarchy = "at"
