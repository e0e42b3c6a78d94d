"""The back office. Everything that is case data is read-only here or goes through the
domain functions that check and audit it: cases, milestones, deadlines, documents and
the log are read-only; a worker's details are corrected through cases.intake.update_worker,
which records the change on each of their cases."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cases.deadlines import recompute
from cases.intake import update_worker
from cases.models import (
    ArbitrationCommission,
    Assignment,
    Attachment,
    Calculation,
    Case,
    CaseEvent,
    ConsentText,
    Deadline,
    Document,
    DocumentBatch,
    ExportJob,
    ExportLog,
    HolidayOverride,
    HolidayYear,
    LocalField,
    Milestone,
    Notification,
    Particulars,
    Party,
    PosterBatch,
    RegionalFigure,
    Reminder,
    Respondent,
    SelfHelpRequest,
    SmsMessage,
    StatCell,
    StatChange,
    StatusChallenge,
    StatusLookup,
    StatusPhone,
    Worker,
)
from cases.notices.sms import mask_codes, requeue
from cases.status.lookup import phone_hash, unlock, unlock_hashes
from cases.validators import normalize_id_number, normalize_mobile


class ReadOnly:
    """Shown to the back office, never edited by hand (audit and log tables, and the
    parties of a case, which intake records)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


class PartyInline(ReadOnly, admin.TabularInline):
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
class CaseAdmin(ReadOnlyAdmin):
    """Cases are read-only here: every change goes through the case pages, which check
    scope, run the state machine and write the audit trail. Deleting a case would
    delete its audit trail, so nobody can."""

    list_display = ["number", "worker", "station", "claims", "state", "lawyer", "created_at"]
    list_filter = ["state", "eligibility", "outcome", "station__union"]
    search_fields = ["number", "worker__name", "station__name", "lawyer__name"]
    date_hierarchy = "created_at"
    exclude = ["access_code_hash"]
    readonly_fields = ["number", "state", "region_code", "created_at", "updated_at"]
    inlines = [PartyInline, EventInline]


@admin.register(Worker)
class WorkerAdmin(admin.ModelAdmin):
    """Correcting a worker's details: saved through update_worker, so each of their
    cases records which fields changed and who changed them. No adding (workers come
    with their case at intake) and no deleting (their cases keep them)."""

    list_display = ["name", "masked_phone", "platform", "arrangement", "created_at"]
    list_filter = ["platform", "arrangement"]
    search_fields = ["name", "phone"]
    exclude = ["id_number", "id_number_hash", "anonymised_at"]

    def get_search_results(self, request, queryset, search_term):
        """An ID number typed in the search box is found by its keyed hash (the column
        is encrypted); anything else searches names and phones."""
        value = normalize_id_number(search_term)
        if len(value) == 18:
            return queryset.with_id_number(value), False
        return super().get_search_results(request, queryset, search_term)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        stored = Worker.objects.get(pk=obj.pk)
        update_worker(
            stored,
            {name: form.cleaned_data[name] for name in form.changed_data},
            request.user,
            source="admin",
        )


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    """A version's text is what workers agreed to: it never changes once saved. A new
    text is a new version; only which version is current can be switched."""

    list_display = ["version", "active", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return ["version", "text"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False


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
class MilestoneAdmin(ReadOnlyAdmin):
    """Milestones start deadlines: they are recorded and corrected on the case page,
    which recomputes the deadlines and logs the change."""

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


# The holiday calendar. Every change is saved through `recompute.schedule_changed`,
# which queues the recompute of the deadlines it can move (and the notices to the
# people whose dates moved) once the change is committed: no restart, no waiting for
# the nightly run.

RECOMPUTE_QUEUED = _(
    "已安排按新的节假日安排重新计算期限；届满日有变化的，承办律师和辖区协调员会收到站内通知。"
)


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "note", "source"]
    list_filter = ["kind"]
    search_fields = ["note", "source"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        before = HolidayOverride.objects.filter(pk=obj.pk).values_list("date", flat=True)
        days = {obj.date, *(before if change else [])}
        super().save_model(request, obj, form, change)
        recompute.schedule_changed(days=days)
        self.message_user(request, RECOMPUTE_QUEUED)

    def delete_model(self, request, obj):
        day = obj.date
        super().delete_model(request, obj)
        recompute.schedule_changed(days=[day])

    def delete_queryset(self, request, queryset):
        days = list(queryset.values_list("date", flat=True))
        super().delete_queryset(request, queryset)
        recompute.schedule_changed(days=days)


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    """Whether a year's schedule is entered in full: data next to the overrides (it
    used to be the HOLIDAY_SCHEDULE_COMPLETE_YEARS setting, still read as a fallback
    for years without a row)."""

    list_display = ["year", "complete", "source", "entered", "updated_at"]
    fields = ["year", "complete", "source", "note", "entered"]
    readonly_fields = ["entered"]

    @admin.display(description=_("已录入的节假日调整"))
    def entered(self, obj):
        if obj is None or not obj.year:
            return "—"
        counts = dict(
            HolidayOverride.objects.filter(date__year=obj.year)
            .values_list("kind")
            .annotate(n=Count("pk"))
        )
        url = reverse("admin:cases_holidayoverride_changelist") + f"?date__year={obj.year}"
        return format_html(
            '<a href="{}">{}</a>',
            url,
            _("放假日 %(rest)d 天，调休上班日 %(work)d 天")
            % {
                "rest": counts.get(HolidayOverride.Kind.RESTDAY, 0),
                "work": counts.get(HolidayOverride.Kind.WORKDAY, 0),
            },
        )

    def save_model(self, request, obj, form, change):
        before = HolidayYear.objects.filter(pk=obj.pk).values_list("year", flat=True)
        years = {obj.year, *(before if change else [])}
        super().save_model(request, obj, form, change)
        recompute.schedule_changed(years=years)
        self.message_user(request, RECOMPUTE_QUEUED)

    def delete_model(self, request, obj):
        year = obj.year
        super().delete_model(request, obj)
        recompute.schedule_changed(years=[year])

    def delete_queryset(self, request, queryset):
        years = list(queryset.values_list("year", flat=True))
        super().delete_queryset(request, queryset)
        recompute.schedule_changed(years=years)


@admin.register(ArbitrationCommission)
class ArbitrationCommissionAdmin(admin.ModelAdmin):
    """The commissions forms are addressed to, under their official names."""

    list_display = ["region_prefix", "name", "phone", "source"]
    search_fields = ["region_prefix", "name"]


class LocalFieldForm(forms.ModelForm):
    class Meta:
        model = LocalField
        fields = ["region_prefix", "document_kind", "key", "label", "help_text", "order", "source"]
        widgets = {"document_kind": forms.Select(choices=Document.Kind.choices)}


@admin.register(LocalField)
class LocalFieldAdmin(admin.ModelAdmin):
    """Fields a local body's form asks for (the 职业伤害确认 pilot's local rules)."""

    form = LocalFieldForm
    list_display = ["region_prefix", "document_kind", "label", "order", "source"]
    list_filter = ["document_kind"]


@admin.register(RegionalFigure)
class RegionalFigureAdmin(admin.ModelAdmin):
    """Published figures the calculator prefills (average wages, incomes, minimum
    wages), each with its source; a row without a bulletin says 示例数据."""

    list_display = ["region_prefix", "year", "figure", "value", "source", "published_on"]
    list_filter = ["figure", "year"]
    search_fields = ["region_prefix", "source"]


@admin.register(Particulars)
class ParticularsAdmin(ReadOnlyAdmin):
    """Case data: entered and audited on the case's 文书信息 page."""

    list_display = ["case", "legalaid_centre", "injury_decision", "updated_at"]
    search_fields = ["case__number"]


@admin.register(Calculation)
class CalculationAdmin(ReadOnlyAdmin):
    list_display = ["case", "version", "kind", "total", "created_by", "created_at", "used_at"]
    search_fields = ["case__number"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["case", "kind", "version", "template_version", "generated_by", "created_at"]
    list_filter = ["kind"]
    search_fields = ["case__number", "sha256"]


@admin.register(DocumentBatch)
class DocumentBatchAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "created_by", "status", "created_at", "finished_at"]
    list_filter = ["status", "kind"]


@admin.register(PosterBatch)
class PosterBatchAdmin(ReadOnlyAdmin):
    list_display = ["pk", "created_by", "status", "created_at", "finished_at"]
    list_filter = ["status"]


@admin.register(SelfHelpRequest)
class SelfHelpRequestAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "station", "case", "submitted_at", "seen_at"]
    list_filter = ["started_at"]
    search_fields = ["station__code", "station__name", "case__number"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["user", "message", "created_at", "read_at"]
    search_fields = ["user__username", "message"]


# --- SMS outbox and status lookups


class PhoneHashSearch:
    """Search a hashed-phone table by typing the phone number: we hash it the same way."""

    def get_search_results(self, request, queryset, search_term):
        if not search_term:
            return queryset, False
        phone = normalize_mobile(search_term)
        if phone is None:
            return queryset.filter(phone_hash=search_term.strip().lower()), False
        return queryset.filter(phone_hash=phone_hash(phone)), False


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "template",
        "status",
        "attempts",
        "next_attempt_at",
        "short_error",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "template"]
    search_fields = ["template", "phone"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    fields = [
        "masked_phone",
        "template",
        "masked_body",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "created_at",
        "sent_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("手机号"))
    def masked_phone(self, obj):
        return str(obj)

    @admin.display(description=_("内容"))
    def masked_body(self, obj):
        # Codes in a body open a worker's status page: the back office sees them masked.
        return mask_codes(obj.body)

    @admin.display(description=_("最后错误"))
    def short_error(self, obj):
        return (obj.last_error or "")[:60]

    def has_retry_permission(self, request):
        return request.user.is_superuser or request.user.has_perm("cases.change_smsmessage")

    @admin.action(description=_("重新发送所选短信"), permissions=["retry"])
    def retry(self, request, queryset):
        count = requeue(queryset)
        self.message_user(request, _("已重新排队 %(n)d 条短信。") % {"n": count})


@admin.register(StatusChallenge)
class StatusChallengeAdmin(PhoneHashSearch, ReadOnlyAdmin):
    list_display = ["phone_hash", "created_at", "expires_at", "failed_attempts", "used_at"]
    search_fields = ["phone_hash"]
    actions = ["unlock_selected"]
    change_list_template = "status/admin_challenge_change_list.html"

    def has_unlock_permission(self, request):
        return request.user.is_superuser or request.user.has_perm("cases.delete_statuschallenge")

    @admin.action(description=_("解除所选号码的锁定"), permissions=["unlock"])
    def unlock_selected(self, request, queryset):
        hashes = set(queryset.values_list("phone_hash", flat=True))
        unlock_hashes(hashes)
        self.message_user(request, _("已解除 %(n)d 个号码的锁定。") % {"n": len(hashes)})

    def get_urls(self):
        return [
            path(
                "unlock/",
                self.admin_site.admin_view(self.unlock_view),
                name="cases_statuschallenge_unlock",
            )
        ] + super().get_urls()

    def unlock_view(self, request):
        """Unlock by phone number: the table holds only hashes, so the admin types the number."""
        if not self.has_unlock_permission(request):
            raise PermissionDenied
        error = ""
        if request.method == "POST":
            phone = normalize_mobile(request.POST.get("phone", ""))
            if phone is None:
                error = _("请输入正确的 11 位手机号。")
            else:
                unlock(phone)
                self.message_user(request, _("该号码的验证码记录已清除，可以重新获取验证码。"))
                return redirect("admin:cases_statuschallenge_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("按手机号解除锁定"),
            "error": error,
            "phone": request.POST.get("phone", ""),
        }
        return render(request, "status/admin_unlock.html", context)


@admin.register(StatusPhone)
class StatusPhoneAdmin(PhoneHashSearch, ReadOnlyAdmin):
    """Wrong receipt access codes per number (unlocked with the challenges' unlock)."""

    list_display = ["phone_hash", "receipt_failures", "receipt_failed_at", "receipt_locked_until"]
    search_fields = ["phone_hash"]


@admin.register(StatusLookup)
class StatusLookupAdmin(PhoneHashSearch, ReadOnlyAdmin):
    list_display = ["at", "phone_hash", "ip_hash", "outcome"]
    list_filter = ["outcome"]
    search_fields = ["phone_hash"]
    date_hierarchy = "at"


# --- statistics: the rollup and the export records are read, never edited here --------


@admin.register(StatCell)
class StatCellAdmin(ReadOnlyAdmin):
    list_display = (
        "month",
        "depth",
        "area",
        "station",
        "metric",
        "key",
        "sub",
        "n",
        "claimed",
        "recovered",
    )
    list_filter = ("depth", "metric")
    search_fields = ("area", "key")


@admin.register(StatChange)
class StatChangeAdmin(ReadOnlyAdmin):
    """The marks that tell cached statistics pages they are out of date (freshness.py):
    where the rollup changed since the nightly reconcile."""

    list_display = ("id", "region_code", "station")
    search_fields = ("region_code",)


@admin.register(Respondent)
class RespondentAdmin(admin.ModelAdmin):
    """Admins may correct how a respondent is shown (the name), not its key."""

    list_display = ("name", "kind", "key")
    search_fields = ("name", "key")
    readonly_fields = ("key", "kind")


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdmin):
    list_display = (
        "at",
        "user",
        "kind",
        "scope",
        "station",
        "first_month",
        "last_month",
        "rows",
        "suppressed",
    )
    list_filter = ("kind", "suppressed")
    search_fields = ("user__username", "scope")


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "created_by", "kind", "status", "processed", "total")
    list_filter = ("status", "kind")
