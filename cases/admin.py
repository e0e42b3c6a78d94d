from django.contrib import admin

from .models import (
    Assignment,
    Attachment,
    Case,
    CaseEvent,
    ConsentText,
    Deadline,
    Document,
    HolidayOverride,
    Milestone,
    Notification,
    Party,
    Reminder,
    SmsMessage,
    StatusChallenge,
    StatusLookup,
    Worker,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit and log tables: visible to the back office, never edited by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PartyInline(admin.TabularInline):
    model = Party
    extra = 0


class EventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ["at", "actor", "kind", "transition", "source_state", "target_state", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["number", "worker", "station", "claims", "state", "lawyer", "created_at"]
    list_filter = ["state", "eligibility", "outcome", "station__union"]
    search_fields = ["number", "worker__name", "station__name", "lawyer__name"]
    date_hierarchy = "created_at"
    # State changes only through cases.workflow.apply_transition (the case pages).
    readonly_fields = [
        "number",
        "state",
        "region_code",
        "lawyer",
        "created_by",
        "created_at",
        "accepted_at",
        "assigned_at",
        "lawyer_accepted_at",
        "resolved_at",
        "closed_at",
        "consent",
        "consent_at",
        "consent_recorded_by",
    ]
    exclude = ["access_code_hash"]
    autocomplete_fields = ["worker", "station"]
    inlines = [PartyInline, EventInline]

    def has_add_permission(self, request):
        return False  # cases are created through intake, which allocates the number


@admin.register(Worker)
class WorkerAdmin(admin.ModelAdmin):
    list_display = ["name", "masked_phone", "platform", "arrangement", "created_at"]
    list_filter = ["platform", "arrangement"]
    search_fields = ["name", "phone"]
    exclude = ["id_number"]


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    list_display = ["version", "active", "created_at"]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "case", "actor", "kind", "transition", "source_state", "target_state"]
    list_filter = ["kind", "transition"]
    search_fields = ["case__number", "actor__username", "note"]
    date_hierarchy = "at"


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["case", "lawyer", "status", "assigned_at", "responded_at"]
    list_filter = ["status"]
    search_fields = ["case__number", "lawyer__name"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["case", "original_name", "content_type", "size", "created_at"]
    search_fields = ["case__number", "original_name"]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["case", "kind", "date", "recorded_by"]
    list_filter = ["kind"]
    search_fields = ["case__number"]
    raw_id_fields = ["case"]


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    list_display = ["case", "rule", "due_date", "binds", "status", "provisional"]
    list_filter = ["status", "binds", "rule", "provisional"]
    search_fields = ["case__number", "rule"]
    date_hierarchy = "due_date"


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["deadline", "threshold", "recipient", "channel", "created_at"]
    list_filter = ["threshold", "channel"]


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "note", "source"]
    list_filter = ["kind"]
    search_fields = ["note", "source"]
    date_hierarchy = "date"


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["case", "kind", "version", "template_version", "generated_by", "created_at"]
    list_filter = ["kind"]
    search_fields = ["case__number", "sha256"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["user", "message", "created_at", "read_at"]
    search_fields = ["user__username", "message"]


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "template", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "template"]
    search_fields = ["template", "body"]


@admin.register(StatusChallenge)
class StatusChallengeAdmin(ReadOnlyAdmin):
    list_display = ["phone_hash", "created_at", "expires_at", "failed_attempts", "used_at"]


@admin.register(StatusLookup)
class StatusLookupAdmin(ReadOnlyAdmin):
    list_display = ["at", "phone_hash", "ip_hash", "outcome"]
    list_filter = ["outcome"]
