"""Case lifecycle pages: station lists, intake, receipt, triage, the case page and its
sub-pages (transitions, notes, evidence, attachments, revealing sensitive fields).

Every case is reached through cases.access.get_case_for (404 outside the user's scope);
every state change goes through cases.workflow.apply_transition.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases import attachments, claims, evidence
from cases.forms import (
    TRANSITION_FORMS,
    IntakeForm,
    NoteForm,
    PartyFormSet,
    UploadForm,
    party_rows,
)
from cases.intake import recent_access_code, remember_access_code
from cases.models import Case, CaseEvent, ConsentText
from cases.permissions import get_case_for, may_work
from cases.triage import board_rows
from cases.validators import normalize_mobile
from cases.workflow import CaseChanged, TransitionRefused, apply_transition, available_transitions
from stations.models import Access
from stations.regions import scope_q

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
@require_GET
def station_cases(request):
    """The station's cases for volunteers (coordinators see their scope)."""
    access = Access.of(request.user)
    if not (access.is_volunteer or access.is_coordinator or request.user.is_superuser):
        raise Http404
    cases = Case.objects.visible_to(request.user)
    if access.is_volunteer and not access.is_coordinator and not request.user.is_superuser:
        cases = cases.filter(station_id__in=access.station_ids)
    state = request.GET.get("state", "")
    if state in Case.State.values:
        cases = cases.filter(state=state)
    query = request.GET.get("q", "").strip()
    cases = search_cases(cases, query).select_related("worker", "station", "lawyer")
    return render(
        request,
        "cases/station_cases.html",
        {
            "page": _page(request, cases.order_by("-created_at")),
            "states": Case.State.choices,
            "state": state,
            "q": query,
        },
    )


@login_required
@require_GET
def triage(request):
    """Received cases in the coordinator's scope, oldest first, with their decisions inline."""
    access = Access.of(request.user)
    if not (access.is_coordinator or request.user.is_superuser):
        raise Http404
    cases = Case.objects.visible_to(request.user).filter(state=Case.State.RECEIVED)
    if not request.user.is_superuser:
        cases = cases.filter(scope_q("region_code", access.scopes))
    query = request.GET.get("q", "").strip()
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
            "next": request.get_full_path(),
        },
    )


# ---------------------------------------------------------------------------
# Intake and receipt


@login_required
def intake(request):
    access = Access.of(request.user)
    if not (access.is_volunteer or access.is_coordinator or request.user.is_superuser):
        raise Http404
    consent = ConsentText.current()
    if request.method == "POST":
        form = IntakeForm(request.POST, request.FILES, user=request.user)
        parties = PartyFormSet(request.POST, prefix="parties")
        if consent is None:
            form.add_error(None, _("系统尚未设置个人信息告知同意书，暂不能登记，请联系管理员。"))
        if form.is_valid() and parties.is_valid() and consent is not None:
            case, code = form.save(user=request.user, consent=consent, parties=party_rows(parties))
            remember_access_code(request.session, case.number, code)
            return redirect("cases:receipt", number=case.number)
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
        },
        status=status,
    )


@login_required
@require_POST
def intake_open_cases(request):
    """htmx: the open cases of the worker with this phone, as the volunteer types it."""
    access = Access.of(request.user)
    if not (access.is_volunteer or access.is_coordinator or request.user.is_superuser):
        raise Http404
    phone = normalize_mobile(request.POST.get("phone", ""))
    cases = open_cases_for_phone(request.user, phone) if phone else []
    return render(request, "cases/_open_cases_notice.html", {"open_cases": cases})


@login_required
@require_GET
def receipt(request, number):
    case = get_case_for(request.user, number)
    try:
        pdf_url = reverse("cases:document_generate", args=[case.number, "receipt"])
    except NoReverseMatch:
        pdf_url = ""
    return render(
        request,
        "cases/receipt.html",
        {
            "case": case,
            "access_code": recent_access_code(request.session, case.number),
            "pdf_url": pdf_url,
            "status_url": request.build_absolute_uri(reverse("status:start")),
            "open_cases": open_cases_for_phone(request.user, case.worker.phone, exclude=case),
        },
    )


# ---------------------------------------------------------------------------
# The case page


def action_forms(case, user, bound=None) -> list:
    """One form per transition this user may run now (routing actions live elsewhere)."""
    forms = []
    for name in available_transitions(case, user):
        form_class = TRANSITION_FORMS.get(name)
        if form_class is None:
            continue
        if bound is not None and bound.name == name:
            forms.append(bound)
        else:
            forms.append(form_class(case=case))
    if bound is not None and bound not in forms:
        forms.insert(0, bound)
    return forms


def _detail(request, case, *, status=200, bound=None, revealed=False, note_form=None, **extra):
    user = request.user
    works = may_work(case, user)
    context = {
        "case": case,
        "parties": list(case.parties.all()),
        "attachments": list(case.attachments.all()),
        "events": list(case.events.select_related("actor")),
        "checklist": evidence.checklist(case),
        "action_forms": action_forms(case, user, bound),
        "can_work": works,
        "can_edit_record": works and not case.is_archived,
        "revealed": revealed,
        "note_form": note_form or NoteForm(),
        "upload_form": UploadForm(),
        "exemption_suggested": claims.exempt_42_3(case.claim_list),
        "routing_names": {"assign", "accept", "decline", "reassign"},
        "next": request.get_full_path(),
    }
    context.update(extra)
    return render(request, "cases/detail.html", context, status=status)


@login_required
@require_GET
def detail(request, number):
    return _detail(request, get_case_for(request.user, number))


@login_required
@require_POST
def do_transition(request, number, transition):
    case = get_case_for(request.user, number)
    form_class = TRANSITION_FORMS.get(transition)
    if form_class is None:
        raise Http404
    form = form_class(request.POST, case=case)
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
        form = form_class(data, case=case)
        form.is_valid()
        form.add_error(None, str(exc))
        return _detail(request, case, bound=form, status=409)
    except TransitionRefused as exc:
        form.add_error(None, str(exc))
        return _detail(request, case, bound=form, status=400)
    messages.success(
        request,
        _("%(number)s：%(action)s。") % {"number": case.number, "action": form.title},
    )
    return redirect(_safe_next(request, case.get_absolute_url()))


@login_required
@require_POST
def add_note(request, number):
    case = get_case_for(request.user, number)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _detail(request, case, note_form=form, status=400)
    CaseEvent.objects.create(
        case=case, actor=request.user, kind=CaseEvent.Kind.NOTE, note=form.cleaned_data["text"]
    )
    messages.success(request, _("备注已添加。"))
    return redirect(case.get_absolute_url() + "#timeline")


@login_required
@require_POST
def update_evidence(request, number):
    case = get_case_for(request.user, number)
    if not may_work(case, request.user):
        raise Http404
    if case.is_archived:
        return _archived(request, case, "#evidence")
    # Unknown codes are dropped, not an error: the checklist is a set of checkboxes.
    collected = [code for code in request.POST.getlist("collected") if code in evidence.ITEMS]
    record_evidence(case, request.user, collected)
    messages.success(request, _("证据清单已更新。"))
    return redirect(case.get_absolute_url() + "#evidence")


def _archived(request, case, anchor):
    """A change posted from a page loaded before the case was archived."""
    messages.error(request, _("本案已归档，资料不能再修改；仍可添加备注。"))
    return redirect(case.get_absolute_url() + anchor)


def record_evidence(case, user, collected) -> None:
    """Store the checklist and audit what changed (Case.evidence is not a state field)."""
    codes = [c["code"] for c in evidence.checklist(case)]
    new = {code: code in set(collected) for code in codes}
    changed = {k: v for k, v in new.items() if bool(case.evidence.get(k)) != v}
    if not changed:
        return
    Case.objects.filter(pk=case.pk).update(evidence=new, updated_at=timezone.now())
    labels = [("✓ " if v else "✗ ") + str(evidence.ITEMS[k]) for k, v in changed.items()]
    CaseEvent.objects.create(
        case=case,
        actor=user,
        kind=CaseEvent.Kind.NOTE,
        note=_("更新证据清单：") + "；".join(labels),
        data={"evidence": changed},
    )


@login_required
@require_POST
def upload_attachments(request, number):
    case = get_case_for(request.user, number)
    if not may_work(case, request.user):
        raise Http404
    if case.is_archived:
        return _archived(request, case, "#attachments")
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, case, upload_errors=form.errors.get("files"), status=400)
    from django.db import transaction

    with transaction.atomic():
        for upload, content_type in form.cleaned_data["files"]:
            attachments.save_attachment(case, upload, request.user, content_type)
    messages.success(request, _("附件已上传。"))
    return redirect(case.get_absolute_url() + "#attachments")


@login_required
@require_GET
def download_attachment(request, number, pk):
    case = get_case_for(request.user, number)
    attachment = get_object_or_404(case.attachments, pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    attachments.record_download(case, attachment, request.user)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def reveal(request, number):
    """Show the full phone and ID number for this response only; every view is audited."""
    case = get_case_for(request.user, number)
    if not may_work(case, request.user):
        raise Http404
    CaseEvent.objects.create(
        case=case,
        actor=request.user,
        kind=CaseEvent.Kind.SENSITIVE_VIEW,
        note=_("查看劳动者完整手机号和身份证号"),
        data={"fields": ["phone", "id_number"]},
    )
    response = _detail(request, case, revealed=True)
    response["Cache-Control"] = "private, no-store"
    return response
