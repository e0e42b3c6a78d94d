"""The case log: one function writes a CaseEvent, and every kind of event is declared
once, by the feature that writes it, with the keys of its `data` and the sentence it
reads as.

    events.declare(CaseEvent.Kind.DOCUMENT, data=("document", "kind", "version", "sha256"),
                   describe=lambda e: _("生成%(kind)s第 %(version)s 版") % …)
    events.record(case, CaseEvent.Kind.DOCUMENT, actor=user, document=doc.pk, …)

Why declared: other code reads events back by their data (the deadline page lists the
events of one deadline, notices read the lawyer of an assignment), so a key written
under another name is a silent bug; `record` refuses undeclared keys. Why `describe`:
the log is read in the reader's language, so system-written events store facts (codes,
dates, ids), never a sentence; only what a person typed goes into `note`.

The features declare their kinds when their modules are imported; `CasesConfig.ready`
imports them all, so every kind is known before the first request.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import CaseEvent, Document


@dataclass(frozen=True)
class EventKind:
    code: str
    data: frozenset[str]
    describe: Callable[[CaseEvent], str] | None


KINDS: dict[str, EventKind] = {}


def declare(code: str, *, data=(), describe=None) -> EventKind:
    """Declare an event kind; declaring one twice with another shape is a bug."""
    kind = EventKind(code=str(code), data=frozenset(data), describe=describe)
    existing = KINDS.get(kind.code)
    if existing is not None and existing.data != kind.data:
        raise ValueError(f"event kind {code!r} declared twice with different data")
    KINDS[kind.code] = kind
    return kind


def _checked(kind: str, data: dict) -> str:
    spec = KINDS.get(str(kind))
    if spec is None:
        raise ValueError(f"undeclared event kind {kind!r}")
    unknown = set(data) - spec.data
    if unknown:
        raise ValueError(f"event {kind!r} has no data keys {sorted(unknown)}")
    return spec.code


def _actor(user):
    return user if user is not None and user.is_authenticated else None


def record(case, kind: str, /, *, actor=None, note: str = "", **data) -> CaseEvent:
    """Append one event to the case's log. `actor` None (or anonymous) is the system."""
    return CaseEvent.objects.create(
        case=case, actor=_actor(actor), kind=_checked(kind, data), note=note, data=data
    )


def record_transition(case, name, source, target, *, actor, note="", **data) -> CaseEvent:
    """The event of a state change (written by cases.workflow.apply_transition only)."""
    return CaseEvent.objects.create(
        case=case,
        actor=_actor(actor),
        kind=_checked(CaseEvent.Kind.TRANSITION, data),
        transition=name,
        source_state=source,
        target_state=target,
        note=note,
        data=data,
    )


def describe(event: CaseEvent) -> str:
    """What happened, in the active language (not including a typed note)."""
    spec = KINDS.get(event.kind)
    if spec is None or spec.describe is None:
        return ""
    try:
        return str(spec.describe(event))
    except (KeyError, TypeError, ValueError):
        # A row written before its kind's shape was declared still shows its kind.
        return ""


# Kinds the case page writes for every feature: a note (the text is the note), a view
# of the worker's full phone and ID number, and a download of a document or attachment.

SENSITIVE_FIELDS = {"phone": gettext_lazy("手机号"), "id_number": gettext_lazy("身份证号")}


def _sensitive_text(event) -> str:
    fields = _("、").join(str(SENSITIVE_FIELDS.get(f, f)) for f in event.data["fields"])
    return _("查看劳动者完整信息：%(fields)s") % {"fields": fields}


def _download_text(event) -> str:
    data = event.data
    if "attachment" in data:
        return _("下载附件：%(name)s") % {"name": data["name"]}
    text = _("下载%(kind)s第 %(version)s 版") % {
        "kind": dict(Document.Kind.choices).get(data["kind"], data["kind"]),
        "version": data["version"],
    }
    if data.get("format") == "docx":
        text += _("（Word）")
    return text


declare(CaseEvent.Kind.NOTE)
declare(CaseEvent.Kind.SENSITIVE_VIEW, data=("fields",), describe=_sensitive_text)
declare(
    CaseEvent.Kind.DOWNLOAD,
    data=("document", "kind", "version", "attachment", "name", "format"),
    describe=_download_text,
)
