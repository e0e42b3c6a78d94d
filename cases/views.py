"""Case lifecycle pages: station lists, intake, receipt, triage, the case page and its
sub-pages (transitions, notes, evidence, attachments, revealing sensitive fields).

Every case is reached through cases.permissions (404 outside the user's scope); every
state change goes through cases.workflow.apply_transition.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import attachments, claims, completion, events, evidence, searches, workflow
from cases.deadlines.bookkeeping import next_act_by
from cases.deadlines.rules import aid_first_notice
from cases.forms import (
    IntakeForm,
    NoteForm,
    PartyForm,
    PartyFormSet,
    UploadForm,
    WorkerDetailsForm,
    party_rows,
)
from cases.intake import recent_access_code, remember_access_code
from cases.models import Case, CaseEvent, ConsentText
from cases.permissions import (
    CaseArchived,
    case_or_404,
    coordinated_cases,
    get_case_for,
    is_coordinator,
    is_station_staff,
    may_resolve,
    may_work,
    only_own_stations,
    require,
)
from cases.selfhelp.submission import mark_seen
from cases.triage import board_rows
from cases.validators import normalize_mobile
from cases.workflow import CaseChanged, TransitionRefused, apply_transition
from config import storage
from stations.models import Access

PAGE_SIZE = 20


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def search_cases(queryset, text: str):
    text = (text or "").strip()
    if not text:
        return queryset
    phone = normalize_mobile(text)
    if phone:
        return queryset.filter(worker__phone=phone)
    return queryset.filter(Q(number__icontains=text) | Q(worker__name__icontains=text))


def open_cases_for_phone(user, phone, exclude=None):
    qs = Case.objects.visible_to(user).open().filter(worker__phone=phone)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs.select_related("worker").order_by("-created_at")[:5])


def _safe_next(request, default):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# ---------------------------------------------------------------------------
# Lists


@login_required
@require_http_methods(["GET", "POST"])
def station_cases(request):
    """The station's cases for volunteers (coordinators see their scope). The search
    form posts (cases/searches.py: no phone number in a URL)."""
    require(is_station_staff, request.user)
    if request.method == "POST":
        return searches.remember(request)
    cases = Case.objects.visible_to(request.user)
    if only_own_stations(request.user):
        cases = cases.filter(station_id__in=Access.of(request.user).station_ids)
    state = request.GET.get("state", "")
    if state in Case.State.values:
        cases = cases.filter(state=state)
    query, search_qs = searches.current(request)
    cases = search_cases(cases, query).select_related("worker", "station", "lawyer")
    return render(
        request,
        "cases/station_cases.html",
        {
            "page": _page(request, cases.order_by("-created_at")),
            "states": Case.State.choices,
            "state": state,
            "q": query,
            "search_qs": search_qs,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def triage(request):
    """Received cases in the coordinator's scope, oldest first, with their decisions inline."""
    require(is_coordinator, request.user)
    if request.method == "POST":
        return searches.remember(request)
    cases = Case.objects.filter(coordinated_cases(request.user), state=Case.State.RECEIVED)
    query, search_qs = searches.current(request)
    cases = (
        search_cases(cases, query).select_related("worker", "station").prefetch_related("parties")
    )
    page = _page(request, cases.order_by("created_at", "pk"))
    return render(
        request,
        "cases/triage.html",
        {
            "page": page,
            "rows": board_rows(request, page, request.get_full_path()),
            "q": query,
            "search_qs": search_qs,
            "next": request.get_full_path(),
        },
    )


# ---------------------------------------------------------------------------
# Intake and receipt


@login_required
def intake(request):
    require(is_station_staff, request.user)
    consent = ConsentText.current()
    if request.method == "POST":
        form = IntakeForm(request.POST, request.FILES, user=request.user)
        parties = PartyFormSet(request.POST, prefix="parties")
        if consent is None:
            form.add_error(None, _("系统尚未设置个人信息告知同意书，暂不能登记，请联系管理员。"))
        if form.is_valid() and parties.is_valid() and consent is not None:
            try:
                with storage.written():
                    case, code = form.save(
                        user=request.user, consent=consent, parties=party_rows(parties)
                    )
            except storage.StorageUnavailable as exc:
                # Nothing was registered: the form comes back as typed (files chosen again).
                form.add_error("files", str(exc))
                status = 503
            else:
                remember_access_code(request.session, case.number, code)
                return redirect("cases:receipt", number=case.number)
        else:
            status = 400
    else:
        form = IntakeForm(user=request.user)
        parties = PartyFormSet(prefix="parties")
        status = 200
    phone = getattr(form, "cleaned_data", {}).get("phone")
    return render(
        request,
        "cases/intake.html",
        {
            "form": form,
            "parties": parties,
            "consent": consent,
            "claims_by_item": evidence.claims_by_item(),
            "open_cases": open_cases_for_phone(request.user, phone) if phone else [],
            "max_bytes": settings.ATTACHMENT_MAX_BYTES,
            "max_total": settings.MAX_REQUEST_BYTES,
        },
        status=status,
    )


@login_required
@require_POST
def intake_open_cases(request):
    """htmx: the open cases of the worker with this phone, as the volunteer types it."""
    require(is_station_staff, request.user)
    phone = normalize_mobile(request.POST.get("phone", ""))
    cases = open_cases_for_phone(request.user, phone) if phone else []
    return render(request, "cases/_open_cases_notice.html", {"open_cases": cases})


@login_required
@require_GET
def receipt(request, number):
    case = get_case_for(request.user, number)
    pdf_url = reverse("cases:document_generate", args=[case.number, "receipt"])
    act_by = next_act_by([case.pk]).get(case.pk)
    return render(
        request,
        "cases/receipt.html",
        {
            "case": case,
            "aid_first": aid_first_notice(act_by, timezone.localdate()),
            "access_code": recent_access_code(request.session, case.number),
            "pdf_url": pdf_url,
            "status_url": request.build_absolute_uri(reverse("status:start")),
            "open_cases": open_cases_for_phone(request.user, case.worker.phone, exclude=case),
        },
    )


# ---------------------------------------------------------------------------
# The case page


def case_actions(case, user, bound=None) -> list[workflow.Action]:
    """The transitions the case page offers this user: each with its form, or with the
    reason it cannot run yet. Routing actions (assign, accept, …) have their own panel."""
    actions = []
    for action in workflow.offered(case, user):
        if action.spec.form is None:
            continue
        if bound is not None and bound.name == action.name:
            action.form = bound
        elif not action.reason:
            action.form = workflow.form_for(action.name, case)
        actions.append(action)
    if bound is not None and all(a.form is not bound for a in actions):
        actions.insert(
            0, workflow.Action(name=bound.name, spec=workflow.TRANSITIONS[bound.name], form=bound)
        )
    return actions


def _detail(request, case, *, status=200, bound=None, revealed=False, note_form=None, **extra):
    user = request.user
    works = may_work(case, user)
    context = {
        "case": case,
        "parties": list(case.parties.all()),
        "attachments": list(case.attachments.all()),
        "events": list(case.events.select_related("actor")),
        "checklist": evidence.checklist(case),
        "actions": case_actions(case, user, bound),
        "can_work": works,
        "can_edit_record": works and not case.is_archived,
        "can_complete_particulars": may_resolve(case, user),
        "revealed": revealed,
        "note_form": note_form or NoteForm(),
        "upload_form": UploadForm(),
        "worker_form": WorkerDetailsForm.for_worker(case.worker),
        "party_form": PartyForm(prefix="party"),
        "exemption_suggested": claims.exempt_42_3(case.claim_list),
        "routing_names": {"assign", "accept", "decline", "reassign"},
        "next": request.get_full_path(),
    }
    context.update(extra)
    return render(request, "cases/detail.html", context, status=status)


@login_required
@require_GET
def detail(request, number):
    case = get_case_for(request.user, number)
    mark_seen(case, request.user)  # a self-reported case: the worker hears it was looked at
    return _detail(request, case)


@login_required
@require_POST
def do_transition(request, number, transition):
    case = get_case_for(request.user, number)
    spec = workflow.TRANSITIONS.get(transition)
    if spec is None or spec.form is None:
        raise Http404
    form = workflow.form_for(transition, case, request.POST)
    if not form.is_valid():
        return _detail(request, case, bound=form, status=400)
    try:
        apply_transition(
            case,
            transition,
            request.user,
            expected_state=form.cleaned_data["expected_state"],
            note=form.note(),
            **form.kwargs(),
        )
    except CaseChanged as exc:
        case.refresh_from_db()
        # Keep everything typed; the page now shows the case as it is.
        data = request.POST.copy()
        data[form.add_prefix("expected_state")] = case.state
        form = workflow.form_for(transition, case, data)
        form.is_valid()
        form.add_error(None, str(exc))
        return _detail(request, case, bound=form, status=409)
    except TransitionRefused as exc:
        form.add_error(None, str(exc))
        return _detail(request, case, bound=form, status=400)
    mark_seen(case, request.user)
    text = _("%(number)s：%(action)s。") % {"number": case.number, "action": spec.label}
    if spec.then:
        words, url_name = spec.then
        text = format_html(
            '{} <a href="{}">{}</a>', text, reverse(url_name, args=[case.number]), words
        )
    messages.success(request, text)
    return redirect(_safe_next(request, case.get_absolute_url()))


@login_required
@require_POST
def add_note(request, number):
    case = get_case_for(request.user, number)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _detail(request, case, note_form=form, status=400)
    events.record(case, CaseEvent.Kind.NOTE, actor=request.user, note=form.cleaned_data["text"])
    messages.success(request, _("备注已添加。"))
    return redirect(case.get_absolute_url() + "#timeline")


@login_required
@require_POST
def update_evidence(request, number):
    case = case_or_404(request.user, number, may_work)
    try:
        evidence.record(case, request.user, request.POST.getlist("collected"))
    except CaseArchived as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("证据清单已更新。"))
    return redirect(case.get_absolute_url() + "#evidence")


@login_required
@require_POST
def upload_attachments(request, number):
    case = case_or_404(request.user, number, may_work)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, case, upload_errors=form.errors.get("files"), status=400)
    try:
        # All the files or none: a store failing at the third file deletes the first two.
        with storage.written(), transaction.atomic():
            for upload, content_type in form.cleaned_data["files"]:
                attachments.save_attachment(case, upload, request.user, content_type)
    except (CaseArchived, storage.StorageUnavailable) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("附件已上传。"))
    return redirect(case.get_absolute_url() + "#attachments")


@login_required
@require_GET
def download_attachment(request, number, pk):
    case = get_case_for(request.user, number)
    attachment = get_object_or_404(case.attachments, pk=pk)
    try:
        handle = storage.open_for_reading(attachment.file)
    except FileNotFoundError:
        raise Http404 from None
    except storage.StorageUnavailable as exc:
        messages.error(request, str(exc))
        return redirect(case.get_absolute_url() + "#attachments")
    attachments.record_download(case, attachment, request.user)
    response = FileResponse(
        handle,
        as_attachment=True,
        # Recomputed on the way out too, for files stored before names were made safe.
        filename=attachments.safe_name(attachment.original_name, attachment.content_type),
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def reveal(request, number):
    """Show the full phone and ID number for this response only; every view is audited."""
    case = case_or_404(request.user, number, may_work)
    events.record(
        case, CaseEvent.Kind.SENSITIVE_VIEW, actor=request.user, fields=["phone", "id_number"]
    )
    response = _detail(request, case, revealed=True)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def update_worker_details(request, number):
    """Complete or correct the worker's details (a self-report's missing ID number)."""
    case = case_or_404(request.user, number, may_work)
    form = WorkerDetailsForm.for_worker(case.worker, request.POST)
    if not form.is_valid():
        return _detail(request, case, worker_form=form, status=400)
    try:
        changed = completion.complete_worker(case, request.user, form.cleaned_data)
    except CaseArchived as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("劳动者信息已更新。") if changed else _("没有需要更新的信息。"))
    return redirect(case.get_absolute_url() + "#worker")


@login_required
@require_POST
def add_party(request, number):
    case = case_or_404(request.user, number, may_work)
    form = PartyForm(request.POST, prefix="party")
    if not form.is_valid():
        return _detail(request, case, party_form=form, status=400)
    try:
        completion.add_party(case, request.user, form.cleaned_data)
    except CaseArchived as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已添加对方当事人。"))
    return redirect(case.get_absolute_url() + "#parties")
