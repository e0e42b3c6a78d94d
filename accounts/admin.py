"""The back office's security pages: the security log (read-only, exportable), the
login-failure records with their unlock, and the users list with a two-factor reset.

django-otp's own device admins are taken away: they show a TOTP device's secret key,
and let an admin register a device for someone else, either of which would let the
admin (or whoever has their session) sign in as that person."""

from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import lockout, security, twofactor
from accounts.models import LanguagePreference, SecurityEvent

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


def csv_response(request, events, what: str) -> HttpResponse:
    """The events as a CSV download; the export itself is logged."""
    count = events.count()
    response = HttpResponse(security.export_csv(events), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="security-log-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    security.record(SecurityEvent.Kind.EXPORT, request=request, what=what, count=count)
    return response


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "username", "actor", "ip", "path", "details"]
    list_filter = ["kind", ("at", admin.DateFieldListFilter)]
    search_fields = ["username", "ip", "path"]
    date_hierarchy = "at"
    actions = ["export_selected"]
    change_list_template = "accounts/admin_security_log.html"
    list_select_related = ["actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("详情"))
    def details(self, obj):
        return security.describe(obj)

    @admin.action(description=_("导出所选记录（CSV）"), permissions=["view"])
    def export_selected(self, request, queryset):
        return csv_response(request, queryset.order_by("at", "pk"), "security_log_selected")

    def get_urls(self):
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="accounts_securityevent_export",
            )
        ] + super().get_urls()

    def export_view(self, request):
        """Everything the change list shows with its current filters and search."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        events = changelist.get_queryset(request).order_by("at", "pk")
        return csv_response(request, events, "security_log")


@admin.register(AccessAttempt)
class LoginFailureAdmin(admin.ModelAdmin):
    """axes' failure counts per username and address. Unlocking goes through
    accounts.lockout.unlock, which logs who unlocked what."""

    list_display = ["attempt_time", "username", "ip_address", "failures_since_start"]
    search_fields = ["username", "ip_address"]
    fields = [
        "username",
        "ip_address",
        "user_agent",
        "path_info",
        "failures_since_start",
        "attempt_time",
    ]
    readonly_fields = fields
    actions = ["unlock_pairs", "unlock_addresses"]
    change_list_template = "accounts/admin_login_failures.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_unlock_permission(self, request):
        return request.user.is_superuser or request.user.has_perm("axes.delete_accessattempt")

    @admin.action(description=_("解除所选用户名在该地址的锁定"), permissions=["unlock"])
    def unlock_pairs(self, request, queryset):
        pairs = set(queryset.values_list("username", "ip_address"))
        for username, ip in pairs:
            lockout.unlock(username=username or "", ip=ip or "", by=request.user)
        self.message_user(request, _("已解除 %(n)d 个锁定。") % {"n": len(pairs)})

    @admin.action(description=_("解除所选地址的全部锁定"), permissions=["unlock"])
    def unlock_addresses(self, request, queryset):
        addresses = set(queryset.values_list("ip_address", flat=True))
        for ip in addresses:
            lockout.unlock(ip=ip or "", by=request.user)
        self.message_user(request, _("已解除 %(n)d 个地址的锁定。") % {"n": len(addresses)})

    def get_urls(self):
        return [
            path(
                "unlock/",
                self.admin_site.admin_view(self.unlock_view),
                name="axes_accessattempt_unlock",
            )
        ] + super().get_urls()

    def unlock_view(self, request):
        """Unlock by typing a username and/or an address (the per-address ceiling has
        no row of its own to select)."""
        if not self.has_unlock_permission(request):
            raise PermissionDenied
        error = ""
        username = request.POST.get("username", "").strip()
        ip = request.POST.get("ip", "").strip()
        if request.method == "POST":
            if ip and not security.valid_ip(ip):
                error = _("请输入正确的 IP 地址，例如 203.0.113.7。")
            elif not username and not ip:
                error = _("请输入用户名或 IP 地址（或两者）。")
            else:
                lockout.unlock(username=username, ip=ip, by=request.user)
                self.message_user(request, _("已解除锁定，可以重新登录。"))
                return redirect("admin:axes_accessattempt_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("解除登录锁定"),
            "error": error,
            "username": username,
            "ip": ip,
        }
        return render(request, "accounts/admin_unlock.html", context)


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    list_display = [*UserAdmin.list_display, "two_factor"]
    actions = ["reset_two_factor"]

    def get_queryset(self, request):
        confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_two_factor=Exists(confirmed))

    @admin.display(description=_("两步验证"), boolean=True, ordering="has_two_factor")
    def two_factor(self, obj):
        return obj.has_two_factor

    @admin.action(description=_("重置所选用户的两步验证（手机丢失时）"), permissions=["change"])
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            twofactor.reset(user, by=request.user, request=request)
        self.message_user(
            request,
            _("已重置 %(n)d 个用户的两步验证；他们下次登录时需重新设置。")
            % {"n": queryset.count()},
        )


@admin.register(LanguagePreference)
class LanguagePreferenceAdmin(admin.ModelAdmin):
    """Set by each person with the 中文/English switch (accounts.language); an admin
    may correct one."""

    list_display = ("user", "language", "updated_at")
    list_filter = ("language",)
    search_fields = ("user__username",)
    autocomplete_fields = ("user",)
