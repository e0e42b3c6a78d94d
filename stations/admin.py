from django.contrib import admin

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
    list_display = ["code", "name", "region_code", "union", "phone", "open_24h", "active"]
    list_filter = ["active", "open_24h", "union"]
    search_fields = ["code", "name", "region_code", "address"]
    autocomplete_fields = ["union"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "station", "union", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "station__name", "union__name"]
    autocomplete_fields = ["user", "station", "union"]
