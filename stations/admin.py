from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Membership, Region, Station, Union


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "full_name", "level"]
    list_filter = ["level"]
    search_fields = ["code", "name", "full_name"]


@admin.register(Union)
class UnionAdmin(admin.ModelAdmin):
    list_display = ["name", "region_code", "parent", "phone"]
    search_fields = ["name", "region_code"]
    autocomplete_fields = ["parent"]


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "region_code",
        "union",
        "phone",
        "open_24h",
        "legal",
        "mobile",
        "has_position",
        "active",
    ]
    list_filter = ["active", "open_24h", "legal", "mobile", "union"]
    readonly_fields = ["legal", "position_updated_at"]

    @admin.display(boolean=True, description=_("已登记位置"))
    def has_position(self, obj):
        return obj.has_position

    def save_model(self, request, obj, form, change):
        if {"lng", "lat"} & set(form.changed_data):
            obj.position_updated_at = timezone.now()
        super().save_model(request, obj, form, change)

    search_fields = ["code", "name", "region_code", "address"]
    autocomplete_fields = ["union"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "station", "union", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "station__name", "union__name"]
    autocomplete_fields = ["user", "station", "union"]
