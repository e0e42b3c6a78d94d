from django.contrib import admin

from .models import Lawyer, ServiceRegion


class ServiceRegionInline(admin.TabularInline):
    model = ServiceRegion
    extra = 1


@admin.register(Lawyer)
class LawyerAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "firm",
        "license_number",
        "capacity",
        "active",
        "on_leave_until",
        "last_assigned_at",
    ]
    list_filter = ["active", "firm"]
    search_fields = ["name", "firm", "license_number", "user__username"]
    autocomplete_fields = ["user"]
    inlines = [ServiceRegionInline]
    exclude = ["calendar_token"]
