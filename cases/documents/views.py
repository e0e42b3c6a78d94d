"""Document pages: generate, list versions, download (permission-checked), and
closing reports for many cases at once. Files never leave through a media URL:
every byte goes through `document_download` or `closing_reports_zip`."""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import security
from accounts.models import SecurityEvent
from cases.documents import generate as documents
from cases.documents import particulars as particulars_domain
from cases.documents.fill import particulars_of
from cases.documents.forms import (
    FinalUploadForm,
    ParticularsForm,
    PartyFormSet,
    WorkerDetailsForm,
)
from cases.documents.rules import RULES, may_read
from cases.intake import recent_access_code
from cases.models import Document, DocumentBatch, Worker
from cases.permissions import (
    CaseArchived,
    case_or_404,
    get_case_for,
    is_coordinator,
    may_resolve,
    require,
)
from config import storage


def _case_page(case):
    return redirect(reverse("cases:detail", args=[case.number]) + "#documents")


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def document_generate(request, number, kind):
    case = get_case_for(request.user, number)
    if kind not in RULES:
        raise Http404
    code = None
    if kind == Document.Kind.RECEIPT:
        code = recent_access_code(request.session, case.number)
    try:
        document = documents.generate(
            case, kind, request.user, access_code=code, base_url=request.build_absolute_uri("/")
        )
    except (documents.DocumentError, storage.StorageUnavailable) as exc:
        messages.error(request, str(exc))
        return _case_page(case)
    if document.printable is not None:
        # The receipt with the worker's access code: streamed once, never stored.
        return _pdf_response(document.printable, documents.download_name(document))
    if request.POST.get("print"):
        url = reverse("cases:document_download", args=[case.number, document.pk])
        return redirect(f"{url}?inline=1")
    messages.success(
        request,
        _("已生成%(kind)s第 %(version)s 版。")
        % {"kind": document.get_kind_display(), "version": document.version},
    )
    return _case_page(case)


@login_required
@require_GET
def document_download(request, number, pk):
    """The stored PDF (or an uploaded final version), or with ?format=docx its Word
    copy; permission-checked like the kind's rule, and every download audited."""
    case = get_case_for(request.user, number)
    document = get_object_or_404(Document, case=case, pk=pk)
    if not may_read(case, document.kind, request.user):
        raise Http404
    as_docx = request.GET.get("format") == "docx"
    if as_docx and not document.docx:
        raise Http404
    stored = document.docx if as_docx else document.file
    try:
        handle = storage.open_for_reading(stored)
    except (FileNotFoundError, ValueError):
        messages.error(request, _("文书文件缺失，请重新生成。"))
        return _case_page(case)
    except storage.StorageUnavailable as exc:
        messages.error(request, str(exc))
        return _case_page(case)
    documents.record_download(document, request.user, "docx" if as_docx else document.extension)
    response = FileResponse(
        handle,
        as_attachment=as_docx or not request.GET.get("inline"),
        filename=documents.download_name(document, "docx" if as_docx else None),
        content_type=Document.DOCX if as_docx else document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def document_upload_final(request, number, kind):
    """The lawyer uploads the edited or signed version actually filed: PDF or DOCX,
    checked by content; it becomes the kind's final version."""
    case = get_case_for(request.user, number)
    if kind not in RULES or not may_read(case, kind, request.user):
        raise Http404
    form = FinalUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, error)
        return _case_page(case)
    try:
        document = documents.upload_final(
            case, kind, form.cleaned_data["file"], request.user, form.content_type
        )
    except (documents.DocumentError, storage.StorageUnavailable) as exc:
        messages.error(request, str(exc))
        return _case_page(case)
    messages.success(
        request,
        _("已上传%(kind)s最终版（第 %(version)s 版）。")
        % {"kind": document.get_kind_display(), "version": document.version},
    )
    return _case_page(case)


# ---------------------------------------------------------------------------
# Closing reports for many cases


@login_required
@require_http_methods(["GET", "POST"])
def closing_reports(request):
    require(is_coordinator, request.user)
    # Ids only, and of a sane length: a 30-digit "id" must not reach the database driver.
    selected = {int(v) for v in request.POST.getlist("case") if v.isdigit() and len(v) <= 18}
    if request.method == "POST":
        try:
            batch = documents.start_batch(request.user, selected)
        except documents.DocumentError as exc:
            messages.error(request, str(exc))
        else:
            return redirect("cases:closing_reports_progress", pk=batch.pk)
    query = (request.GET.get("q") or request.POST.get("q") or "").strip()
    cases = documents.bulk_candidates(request.user).annotate(
        has_report=Exists(
            Document.objects.filter(case=OuterRef("pk"), kind=Document.Kind.CLOSING_REPORT)
        )
    )
    if query:
        cases = cases.filter(Q(number__icontains=query) | Q(worker__name__icontains=query))
    page = Paginator(cases.order_by("-resolved_at", "-created_at"), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cases/closing_reports.html",
        {"page": page, "q": query, "selected": selected, "recent": _recent_batches(request.user)},
    )


def _recent_batches(user):
    return DocumentBatch.objects.filter(created_by=user)[:5]


@login_required
@never_cache
def closing_reports_progress(request, pk):
    require(is_coordinator, request.user)
    batch = get_object_or_404(DocumentBatch, pk=pk, created_by=request.user)
    template = (
        "cases/closing_reports_progress_panel.html"
        if request.htmx
        else "cases/closing_reports_progress.html"
    )
    return render(request, template, {"batch": batch})


@login_required
@require_GET
def closing_reports_zip(request, pk):
    require(is_coordinator, request.user)
    batch = get_object_or_404(DocumentBatch, pk=pk, created_by=request.user)
    docs = list(documents.batch_documents(batch, request.user))
    if not docs:
        raise Http404
    archive = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    try:
        documents.write_zip(docs, archive)
    except FileNotFoundError:
        raise Http404 from None
    except storage.StorageUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("cases:closing_reports_progress", pk=batch.pk)
    for document in docs:
        documents.record_download(document, request.user)
    security.record(
        SecurityEvent.Kind.EXPORT, request=request, what="closing_reports_zip", count=len(docs)
    )
    archive.seek(0)
    response = FileResponse(
        archive,
        as_attachment=True,
        filename=_("结案报告-%(date)s.zip") % {"date": batch.created_at.strftime("%Y%m%d-%H%M")},
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------
# The particulars the forms need (文书信息)


@login_required
@require_http_methods(["GET", "POST"])
def particulars(request, number):
    """The lawyer (or the coordinator) completes what the forms need: the worker's
    details, the opposing parties, the case's particulars. Bad input: every form comes
    back with what was typed and the message at the field."""
    case = case_or_404(request.user, number, may_resolve)
    if case.is_archived:
        messages.error(request, str(CaseArchived()))
        return _case_page(case)
    instance = particulars_of(case)
    data = request.POST if request.method == "POST" else None
    # A copy: validating a ModelForm writes into its instance, and save() compares
    # the stored worker with what was typed to audit the change.
    worker_form = WorkerDetailsForm(
        data, instance=Worker.objects.get(pk=case.worker_id), prefix="worker"
    )
    party_formset = PartyFormSet(data, queryset=case.parties.all(), prefix="parties")
    particulars_form = ParticularsForm(data, instance=instance, case=case, prefix="p")
    forms_ = (worker_form, party_formset, particulars_form)
    if data is not None and all(f.is_valid() for f in forms_):
        particulars_domain.save(
            case,
            request.user,
            worker_form=worker_form,
            party_formset=party_formset,
            particulars_form=particulars_form,
        )
        messages.success(request, _("文书信息已保存。"))
        return _case_page(case)
    return render(
        request,
        "cases/particulars.html",
        {
            "case": case,
            "worker_form": worker_form,
            "parties": party_formset,
            "form": particulars_form,
        },
        status=400 if data is not None else 200,
    )
