"""Rendering case documents to PDF and storing them.

Each kind of document is a Django template under `templates/documents/` rendered to
PDF by WeasyPrint with one print stylesheet (`static/css/print.css`). Who may make
which kind, and when, is the table in `cases.documents.rules`; what a form is filled
with is `cases.documents.fill`.

Three things here are deliberate:

- WeasyPrint never touches the network or the file system outside our static files:
  `StaticOnlyFetcher` serves `data:` URLs and the project's static files and refuses
  (and logs) everything else.
- Without a CJK font every character would silently become a box; `ensure_cjk_font`
  turns that into a clear error before rendering.
- Rendering happens outside the transaction; only the version number, the file and
  the audit event are written inside it, with the case row locked, so two people
  generating at once get versions n and n+1, never the same one twice.
"""

import functools
import hashlib
import logging
import mimetypes
import shutil
import subprocess
import zipfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task
from docx import Document as DocxDocument

from cases import events
from cases.attachments import PDF, sniff
from cases.documents.docx import html_to_docx
from cases.documents.fill import build_context
from cases.documents.rules import RULES, Rule, kind_allowed, may_read
from cases.models import Case, CaseEvent, Document, DocumentBatch
from cases.permissions import CaseArchived, coordinated_cases, ensure_editable, is_coordinator
from config import storage

logger = logging.getLogger(__name__)

Kind = Document.Kind
State = Case.State

# ---------------------------------------------------------------------------
# Errors


class DocumentError(Exception):
    """A document could not be produced; the message is for the user."""


class DocumentRefused(DocumentError):
    pass


class FontMissing(DocumentError):
    pass


# ---------------------------------------------------------------------------
# Fonts and fetching


REQUIRED_FONTS = ("Noto Serif CJK SC", "Noto Sans CJK SC")


@functools.lru_cache(maxsize=1)
def cjk_fonts() -> frozenset[str]:
    """Font families fontconfig offers for Chinese; asked once per process."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return frozenset()
    try:
        out = subprocess.run(
            [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(","))


def ensure_cjk_font() -> None:
    missing = [name for name in REQUIRED_FONTS if name not in cjk_fonts()]
    if missing:
        logger.error("CJK fonts missing: %s (install fonts-noto-cjk)", ", ".join(missing))
        raise FontMissing(
            _("服务器缺少中文字体（%(fonts)s），无法生成文书。请管理员安装 fonts-noto-cjk 后重试。")
            % {"fonts": "、".join(missing)}
        )


def _static_roots() -> list[Path]:
    roots = [Path(d if isinstance(d, str | Path) else d[1]) for d in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return [root.resolve() for root in roots]


def static_file_for(url: str) -> Path | None:
    """The project static file a file: URL names, or None when it names anything else."""
    path = unquote(urlsplit(url).path)
    if path.startswith(settings.STATIC_URL):
        # `{% static %}` URLs resolved against base_url "file:///".
        name = path[len(settings.STATIC_URL) :]
        try:
            found = finders.find(name)
        except SuspiciousFileOperation:
            return None
        if found:
            return Path(found).resolve()
        # In production `{% static %}` names the collected, hashed copy (print.3f2a….css),
        # which only STATIC_ROOT holds.
        root = Path(settings.STATIC_ROOT).resolve()
        candidate = (root / name).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
        return None
    candidate = Path(path).resolve()
    for root in _static_roots():
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    return None


class StaticOnlyFetcher(weasyprint.URLFetcher):
    """Serves `data:` URLs and the project's static files; refuses and logs the rest.

    User text is escaped by the templates, so nothing a worker types should ever
    reach here; this is the second wall. `requested` records every URL asked for.
    """

    def __init__(self):
        super().__init__(timeout=1, allowed_protocols=("data", "file"), allow_redirects=False)
        self.requested: list[str] = []

    def fetch(self, url, headers=None):
        self.requested.append(url)
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = static_file_for(url)
            if path is not None:
                mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return weasyprint.urls.URLFetcherResponse(
                    url, path.read_bytes(), {"Content-Type": mime}
                )
        logger.warning("document rendering: refused to fetch %s", url[:200])
        raise ValueError(f"refused to fetch {url[:200]}")


BASE_URL = "file:///"


def html_to_pdf(html: str) -> bytes:
    ensure_cjk_font()
    fetcher = StaticOnlyFetcher()
    return weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()


# ---------------------------------------------------------------------------
# Context: what each form is filled with


def render_html(case: Case, kind: str, *, base_url: str = "", **context) -> str:
    """`base_url` is the site's address as the request reached it, used where
    settings.PUBLIC_URL is empty (the receipt's status page link)."""
    # Forms go to Chinese agencies and courts: always rendered in Simplified Chinese,
    # whatever language the person generating them reads the site in.
    with translation.override("zh-hans"):
        full = build_context(case, kind, base_url=base_url)
        full.update(context)
        return render_to_string(RULES[kind].template, full)


def render_pdf(case: Case, kind: str, **context) -> bytes:
    """The PDF of `kind` for `case`. Extra context overrides the defaults (e.g. access_code)."""
    if kind not in RULES:
        raise DocumentRefused(_("未知的文书类型。"))
    return html_to_pdf(render_html(case, kind, **context))


def docx_header(case: Case, kind: str) -> str:
    """An internal paper names its case in the header; a filed form carries none."""
    if RULES[kind].filed:
        return ""
    return f"{Kind(kind).label}　案件编号：{case.number}"


def render_both(case: Case, kind: str, **context) -> tuple[bytes, bytes]:
    """The PDF and the DOCX of one rendering: the same HTML, so the same content."""
    if kind not in RULES:
        raise DocumentRefused(_("未知的文书类型。"))
    html = render_html(case, kind, **context)
    with translation.override("zh-hans"):
        header = docx_header(case, kind)
    return html_to_pdf(html), html_to_docx(html, header=header)


# ---------------------------------------------------------------------------
# Generating and storing


def generate(
    case: Case, kind: str, user, *, access_code: str | None = None, base_url: str = "", batch=None
) -> Document:
    """Render `kind`, store it as the next version, and record a DOCUMENT event.

    The clear access code is never persisted (it exists only as a hash on the case).
    The stored receipt is therefore always rendered without it; when a fresh code is
    given, a second rendering that includes it is returned on `document.printable`
    for the caller to stream once and forget. The stored version keeps the audit
    trail and the SHA-256 honest, and a stolen disk reveals no codes.
    """
    try:
        ensure_editable(case)
    except CaseArchived as exc:
        raise DocumentRefused(str(exc)) from None
    if not kind_allowed(case, kind, user):
        raise DocumentRefused(_("当前状态下您不能生成这份文书。"))
    rule = RULES[kind]
    pdf, docx = render_both(case, kind, base_url=base_url)
    document = _store(case, kind, user, pdf, rule, docx, batch=batch)
    document.printable = None
    if kind == Document.Kind.RECEIPT and access_code:
        document.printable = render_pdf(case, kind, access_code=access_code, base_url=base_url)
    return document


def generate_on_archive(step) -> None:
    """The `close` transition's effect: the final closing report, stored by the system
    once archiving has settled the deadlines, so the archived report shows what
    archiving did (waived, missed) and what the worker must still do.

    Runs inside the transition's transaction, after `bookkeeping.settle_all`; the case
    is already archived, which is why this, and only this, bypasses the rule table.
    Without a CJK font the report cannot be rendered: archiving goes on (closing
    needed an earlier report) and the error is logged."""
    case = step.case
    try:
        pdf, docx = render_both(case, Kind.CLOSING_REPORT)
    except FontMissing:
        logger.exception("final closing report of %s not rendered", case.number)
        return
    _store(case, Kind.CLOSING_REPORT, None, pdf, RULES[Kind.CLOSING_REPORT], docx)


def _store(
    case, kind, user, pdf: bytes, rule: Rule, docx: bytes | None = None, *, batch=None
) -> Document:
    """The next version of `kind`: files first, then the row and its event, in one
    transaction; a failure anywhere deletes the stored files again (`storage.written`),
    so there is never a row without its file nor a file without its row.

    With `batch`, the batch's result for this case is recorded in the same transaction,
    under the batch row's lock, and a case the batch already has a document for gets
    that one back: a batch task run again (a worker node killed mid-batch, the task
    resumed elsewhere) makes one version per case, never two."""
    with storage.written(), transaction.atomic():
        if batch is not None:
            locked = DocumentBatch.objects.select_for_update().get(pk=batch.pk)
            done = locked.results.get(str(case.pk))
            if done is not None:
                return Document.objects.get(pk=done)
        # Lock the case row: concurrent generations queue here and each sees the
        # version the previous one wrote (SQLite's IMMEDIATE transactions do the same).
        Case.objects.select_for_update().filter(pk=case.pk).values_list("pk").first()
        last = Document.objects.filter(case=case, kind=kind).aggregate(v=Max("version"))["v"]
        document = Document(
            case=case,
            kind=kind,
            version=(last or 0) + 1,
            sha256=hashlib.sha256(pdf).hexdigest(),
            size=len(pdf),
            template_name=rule.template,
            template_version=rule.version,
            generated_by=user if user is not None and user.is_authenticated else None,
        )
        storage.save(document.file, f"{kind}-v{document.version}.pdf", ContentFile(pdf))
        if docx is not None:
            document.docx_sha256 = hashlib.sha256(docx).hexdigest()
            document.docx_size = len(docx)
            storage.save(document.docx, f"{kind}-v{document.version}.docx", ContentFile(docx))
        document.save()
        events.record(
            case,
            CaseEvent.Kind.DOCUMENT,
            actor=document.generated_by,
            document=document.pk,
            kind=kind,
            version=document.version,
            sha256=document.sha256,
        )
        if batch is not None:
            locked.results[str(case.pk)] = document.pk
            locked.heartbeat = timezone.now()
            locked.save(update_fields=["results", "heartbeat"])
    return document


def record_download(document: Document, user, fmt: str = "pdf") -> None:
    events.record(
        document.case,
        CaseEvent.Kind.DOWNLOAD,
        actor=user,
        document=document.pk,
        kind=document.kind,
        version=document.version,
        format=fmt,
    )


def download_name(document: Document, extension: str | None = None) -> str:
    extension = extension or document.extension
    return f"{document.case.number}-{document.get_kind_display()}-v{document.version}.{extension}"


# ---------------------------------------------------------------------------
# The final version: edited or signed, uploaded by the lawyer


FINAL_TYPES = {PDF: Document.PDF, "docx": Document.DOCX}


def validate_final(upload) -> str:
    """The content type of an uploaded final version (PDF or DOCX, by content), or a
    ValidationError for the field. The size limit is the attachments'."""
    limit = settings.ATTACHMENT_MAX_BYTES
    name = getattr(upload, "name", "") or _("文件")
    if upload.size == 0:
        raise ValidationError(_("“%(name)s”是空文件。") % {"name": name})
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s”太大，不能超过 %(limit)s。")
            % {"name": name, "limit": filesizeformat(limit)}
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if sniff(head) == PDF:
        return Document.PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            DocxDocument(upload)
        except Exception:  # python-docx raises several kinds for a zip that is no DOCX
            pass
        else:
            upload.seek(0)
            return Document.DOCX
        finally:
            upload.seek(0)
    raise ValidationError(
        _("“%(name)s”不是 PDF 或 Word（.docx）文件（按文件内容检查），请重新选择。")
        % {"name": name}
    )


def upload_final(case: Case, kind: str, upload, user, content_type: str) -> Document:
    """Store an edited or signed version as the next version of `kind`, marked final
    (the earlier final, if any, is no longer), and record it."""
    try:
        ensure_editable(case)
    except CaseArchived as exc:
        raise DocumentRefused(str(exc)) from None
    if kind not in RULES or not may_read(case, kind, user):
        raise DocumentRefused(_("您不能上传这份文书。"))
    data = upload.read()
    extension = "docx" if content_type == Document.DOCX else "pdf"
    with storage.written(), transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).values_list("pk").first()
        last = Document.objects.filter(case=case, kind=kind).aggregate(v=Max("version"))["v"]
        Document.objects.filter(case=case, kind=kind, final=True).update(final=False)
        document = Document(
            case=case,
            kind=kind,
            version=(last or 0) + 1,
            content_type=content_type,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            template_name="",
            template_version="",
            generated_by=user,
            origin=Document.Origin.UPLOADED,
            final=True,
            original_name=(getattr(upload, "name", "") or "")[-200:],
        )
        storage.save(document.file, f"{kind}-v{document.version}.{extension}", ContentFile(data))
        document.save()
        events.record(
            case,
            CaseEvent.Kind.DOCUMENT,
            actor=user,
            document=document.pk,
            kind=kind,
            version=document.version,
            sha256=document.sha256,
            final=True,
        )
    return document


# ---------------------------------------------------------------------------
# Closing reports for many cases at once (a django-q2 task, see cases/tasks.py)


def bulk_candidates(user):
    """Cases a coordinator may put in a closing-report batch."""
    if not is_coordinator(user):
        return Case.objects.none()
    return (
        Case.objects.filter(coordinated_cases(user))
        .filter(state__in=[Case.State.RESOLVED, Case.State.REFERRED])
        .select_related("worker", "station", "lawyer")
    )


def start_batch(user, case_ids) -> DocumentBatch:
    """Create a batch of the selected cases this user may report on; the task runs it."""
    cases = [
        case
        for case in bulk_candidates(user).filter(pk__in=list(case_ids))
        if kind_allowed(case, Document.Kind.CLOSING_REPORT, user)
    ]
    if not cases:
        raise DocumentRefused(_("请至少选择一个可生成结案报告的案件。"))
    batch = DocumentBatch.objects.create(
        created_by=user, kind=Document.Kind.CLOSING_REPORT, case_ids=sorted(c.pk for c in cases)
    )
    transaction.on_commit(lambda: async_task("cases.tasks.generate_closing_reports", batch.pk))
    return batch


def run_batch(batch_id: int) -> None:
    """Generate the batch's documents one by one, recording progress after each.

    Safe to run twice: a case already done in this batch is skipped, and a finished
    batch is left alone.
    """
    batch = DocumentBatch.objects.select_related("created_by").get(pk=batch_id)
    if batch.status == DocumentBatch.Status.DONE:
        return
    DocumentBatch.objects.filter(pk=batch.pk, status=DocumentBatch.Status.QUEUED).update(
        status=DocumentBatch.Status.RUNNING, started_at=timezone.now()
    )
    DocumentBatch.objects.filter(pk=batch.pk).update(heartbeat=timezone.now())
    user = batch.created_by
    for case_id in batch.case_ids:
        batch.refresh_from_db(fields=["results", "errors"])
        key = str(case_id)
        if key in batch.results or key in batch.errors:
            continue
        case = Case.objects.visible_to(user).select_related("worker", "station", "lawyer")
        case = case.filter(pk=case_id).first()
        try:
            if case is None:
                raise DocumentRefused(_("案件不在您的权限范围内。"))
            document = generate(case, batch.kind, user, batch=batch)
            batch.results[key] = document.pk
        except (DocumentError, storage.StorageUnavailable) as exc:
            batch.errors[key] = str(exc)
        except Exception:  # one bad case must not stop the rest of the batch
            logger.exception("closing report for case %s failed", case_id)
            batch.errors[key] = _("生成失败，请稍后在案件页面重试。")
        batch.heartbeat = timezone.now()
        batch.save(update_fields=["results", "errors", "heartbeat"])
    DocumentBatch.objects.filter(pk=batch.pk).update(
        status=DocumentBatch.Status.DONE, finished_at=timezone.now()
    )


def resume_stalled_batches(now=None) -> list[int]:
    """Queue again the batches whose task has not moved for BATCH_STALL_SECONDS: its
    worker node died (the Redis broker does not hand a lost task out again). Each
    stalled batch is claimed by a guarded update, so two clusters running this sweep
    queue it once; `_store` makes a batch run twice harmless anyway. Returns the ids."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.BATCH_STALL_SECONDS)
    resumed = []
    candidates = DocumentBatch.objects.exclude(status=DocumentBatch.Status.DONE).filter(
        Q(heartbeat__lt=stale) | Q(heartbeat__isnull=True, created_at__lt=stale)
    )
    for batch in candidates.only("pk", "heartbeat"):
        claimed = DocumentBatch.objects.filter(pk=batch.pk, heartbeat=batch.heartbeat).update(
            heartbeat=now
        )
        if claimed:
            logger.warning("document batch %s stalled: queued again", batch.pk)
            async_task("cases.tasks.generate_closing_reports", batch.pk)
            resumed.append(batch.pk)
    return resumed


def batch_documents(batch, user):
    """The batch's documents that `user` may still see (scope can change after the run)."""
    visible = Case.objects.visible_to(user).values("pk")
    return (
        Document.objects.filter(pk__in=list(batch.results.values()), case__in=visible)
        .select_related("case")
        .order_by("case__number")
    )


def write_zip(documents, fileobj) -> None:
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_STORED) as archive:
        for document in documents:
            with storage.open_for_reading(document.file) as f:
                archive.writestr(download_name(document), f.read())


def _document_text(event) -> str:
    values = {
        "kind": dict(Document.Kind.choices).get(event.data["kind"], event.data["kind"]),
        "version": event.data["version"],
    }
    if event.data.get("final"):
        return _("上传%(kind)s最终版（第 %(version)s 版）") % values
    return _("生成%(kind)s第 %(version)s 版") % values


events.declare(
    CaseEvent.Kind.DOCUMENT,
    data=("document", "kind", "version", "sha256", "final"),
    describe=_document_text,
)
