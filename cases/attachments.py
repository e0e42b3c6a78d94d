"""Case attachments: what is accepted, how it is stored, how it leaves the server.

The type is decided by the file's content (magic bytes, and Pillow for images), never by
its name or the browser's Content-Type: a renamed .exe is refused. Files go to the
private store (config/storage.py: local disk or an S3 bucket; no URL is ever routed to it);
they are served only by the permission-checked view, which audits every download.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

from cases import events
from cases.models import Attachment, CaseEvent
from cases.permissions import ensure_editable
from config import storage

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
EXTENSIONS = {JPEG: "jpg", PNG: "png", PDF: "pdf"}
# Extensions a name may already end in for each type; anything else is replaced.
KNOWN_EXTENSIONS = {JPEG: {"jpg", "jpeg"}, PNG: {"png"}, PDF: {"pdf"}}
MAX_FILES = 10


def sniff(head: bytes) -> str | None:
    """The content type from the first bytes, for the three kinds we accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    # PDF readers accept the header within the first 1024 bytes; we want it first.
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def validate_upload(upload) -> str:
    """Return the content type, or raise ValidationError with a message for the field."""
    name = getattr(upload, "name", "") or _("文件")
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s”太大（%(size)s），单个附件不能超过 %(limit)s。")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s”是空文件。") % {"name": name})
    upload.seek(0)
    content_type = sniff(upload.read(16))
    upload.seek(0)
    if content_type is None:
        raise ValidationError(
            _("“%(name)s”不是 JPG、PNG 图片或 PDF 文件（按文件内容检查），请重新选择。")
            % {"name": name}
        )
    if content_type in (JPEG, PNG):
        try:
            with Image.open(upload) as image:
                image.verify()
        except Exception:  # Pillow raises many kinds for broken files
            raise ValidationError(
                _("“%(name)s”图片已损坏或不完整，请重新拍照上传。") % {"name": name}
            ) from None
        finally:
            upload.seek(0)
    return content_type


def safe_name(name: str, content_type: str) -> str:
    """The file's name with an extension that matches its content: a PDF named
    "evil.html" is kept and served as "evil.pdf", so no browser or desktop opens it as
    what its name claimed."""
    stem, dot, extension = (name or "").rpartition(".")
    if dot and stem and extension.lower() in KNOWN_EXTENSIONS[content_type]:
        return name
    stem = (stem if dot and stem else name).strip() or _("附件")
    return f"{stem[:190]}.{EXTENSIONS[content_type]}"


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def save_attachment(case, upload, user, content_type: str | None = None) -> Attachment:
    """Store one validated upload and audit it. Call inside the caller's transaction."""
    ensure_editable(case)
    content_type = content_type or validate_upload(upload)
    original = safe_name((getattr(upload, "name", "") or "file")[-200:], content_type)
    attachment = Attachment(
        case=case,
        original_name=original,
        content_type=content_type,
        size=upload.size,
        sha256=_sha256(upload),
        uploaded_by=user,
    )
    # The file first, then the row: a store that is down refuses before any row is
    # written, and a failure after the file was stored deletes it again (the caller's
    # `storage.written()` does the same if its transaction is rolled back later).
    with storage.written():
        storage.save(attachment.file, f"{attachment.sha256}.{EXTENSIONS[content_type]}", upload)
        attachment.save()
        events.record(
            case,
            CaseEvent.Kind.ATTACHMENT,
            actor=user,
            attachment=attachment.pk,
            name=original,
            sha256=attachment.sha256,
        )
    return attachment


def record_download(case, attachment, user) -> None:
    events.record(
        case,
        CaseEvent.Kind.DOWNLOAD,
        actor=user,
        attachment=attachment.pk,
        name=attachment.original_name,
    )


events.declare(
    CaseEvent.Kind.ATTACHMENT,
    data=("attachment", "name", "sha256"),
    describe=lambda e: _("上传附件：%(name)s") % {"name": e.data["name"]},
)
