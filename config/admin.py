"""The back office (/admin/) is for superusers only.

The admin shows every region's cases, workers, documents, SMS and logs: it has no
notion of a coordinator's district or a station. Rather than scope each of its pages,
it is closed to everyone but superusers, whatever model permissions a staff account
was given; regional staff work through the case pages, which scope everything
(cases.permissions)."""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig


class BackOffice(AdminSite):
    def has_permission(self, request):
        allowed = super().has_permission(request) and request.user.is_superuser
        if not allowed and request.user.is_authenticated and request.user.is_staff:
            # Late: this module is imported while the app registry loads (default_site).
            from accounts import security

            # A staff account reaching for the back office it may not use (is_staff
            # alone no longer opens it): sent to the admin login, and logged.
            security.record(
                security.SecurityEvent.Kind.PERMISSION_DENIED,
                request=request,
                where="admin",
                path=request.path[:200],
            )
        return allowed


class BackOfficeConfig(AdminConfig):
    default_site = "config.admin.BackOffice"
