"""Case documents as PDFs (DESIGN §7, issue 6).

Each kind of document is a Django template under `templates/documents/` rendered to
PDF by WeasyPrint with one print stylesheet (`static/css/print.css`). What a kind
needs and who may produce it is in `RULES`, the one table for states and roles.

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

import datetime
import functools
import hashlib
import logging
import mimetypes
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import claims
from cases.models import Case, CaseEvent, Deadline, Document, Party
from cases.validators import mask_phone
from lawyers.models import ClaimType
from stations.models import Access, Region

logger = logging.getLogger(__name__)

Kind = Document.Kind
State = Case.State

# ---------------------------------------------------------------------------
# Who may generate what, and when


class Role:
    """The part a user plays on one case (not their global role)."""

    STATION = "station"  # a volunteer at the case's station
    COORDINATOR = "coordinator"  # a coordinator whose scope covers the case
    LAWYER = "lawyer"  # the assigned lawyer


def _claims_injury(case) -> bool:
    return claims.is_injury_like(case.claim_list)


def _has_lawyer(case) -> bool:
    return case.lawyer_id is not None


@dataclass(frozen=True)
class Rule:
    template: str
    version: str  # bump when the template's layout or wording changes
    roles: frozenset
    states: frozenset
    conditions: tuple = ()
    # Shown when the state and role fit but a condition does not.
    condition_hint: str = ""


_ALL = frozenset(State.values)
_STAFF = frozenset({Role.STATION, Role.COORDINATOR})
_LEGAL = frozenset({Role.COORDINATOR, Role.LAWYER})

# The one table of document rules (issue 6). States are where a document makes sense;
# roles are who needs it. A superuser plays every role.
RULES: dict[str, Rule] = {
    # Any time: the worker may come back for a lost receipt.
    Kind.RECEIPT: Rule("documents/receipt.html", "2026.1", _STAFF, _ALL),
    # From intake on; not for a case that went elsewhere or was withdrawn.
    Kind.LEGALAID_APPLICATION: Rule(
        "documents/legalaid_application.html",
        "2026.1",
        frozenset({Role.STATION, Role.COORDINATOR, Role.LAWYER}),
        _ALL - {State.REFERRED, State.WITHDRAWN},
    ),
    # Only for an injury claim accepted for aid and still being worked.
    Kind.INJURY_APPLICATION: Rule(
        "documents/injury_application.html",
        "2026.1",
        _LEGAL,
        frozenset({State.ACCEPTED, State.ASSIGNED, State.IN_PROGRESS, State.RESOLVED}),
        (_claims_injury,),
        gettext_lazy("仅适用于工伤或职业伤害类案件"),
    ),
    # Filing and representation need a lawyer on the case.
    Kind.ARBITRATION_APPLICATION: Rule(
        "documents/arbitration_application.html",
        "2026.1",
        _LEGAL,
        frozenset({State.ASSIGNED, State.IN_PROGRESS, State.RESOLVED}),
        (_has_lawyer,),
    ),
    Kind.POWER_OF_ATTORNEY: Rule(
        "documents/power_of_attorney.html",
        "2026.1",
        _LEGAL,
        frozenset({State.ASSIGNED, State.IN_PROGRESS, State.RESOLVED}),
        (_has_lawyer,),
    ),
    # Once the work is done; regenerating after closing is allowed (corrections).
    Kind.CLOSING_REPORT: Rule(
        "documents/closing_report.html",
        "2026.1",
        _LEGAL,
        frozenset({State.RESOLVED, State.REFERRED, State.CLOSED}),
    ),
}


def roles_on(case, user) -> set[str]:
    if user is None or not user.is_authenticated:
        return set()
    if user.is_superuser:
        return {Role.STATION, Role.COORDINATOR, Role.LAWYER}
    access = Access.of(user)
    roles = set()
    if case.station_id in access.station_ids:
        roles.add(Role.STATION)
    if access.is_coordinator and access.covers(case.region_code):
        roles.add(Role.COORDINATOR)
    lawyer = getattr(user, "lawyer", None)
    if lawyer is not None and case.lawyer_id == lawyer.pk:
        roles.add(Role.LAWYER)
    return roles


def kind_allowed(case, kind: str, user) -> bool:
    """May `user` generate `kind` for `case` now? `user=None` is the system (state rules only)."""
    rule = RULES.get(kind)
    if rule is None or case.state not in rule.states:
        return False
    if not all(condition(case) for condition in rule.conditions):
        return False
    return user is None or bool(rule.roles & roles_on(case, user))


def may_read(case, kind: str, user) -> bool:
    """May `user` open stored versions of `kind`? The roles that may produce it, in any
    state: a power of attorney carries the worker's full ID number and phone, and a
    station volunteer who may not make one may not read one either."""
    rule = RULES.get(kind)
    return rule is not None and bool(rule.roles & roles_on(case, user))


def available_kinds(case, user) -> list[str]:
    """Kinds this user may generate for this case now, in the order of Document.Kind."""
    return [kind for kind in Kind.values if kind_allowed(case, kind, user)]


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
        try:
            found = finders.find(path[len(settings.STATIC_URL) :])
        except SuspiciousFileOperation:
            return None
        return Path(found).resolve() if found else None
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


DIGITS = "零壹贰叁肆伍陆柒捌玖"
UNITS = ["", "拾", "佰", "仟"]
SECTIONS = ["", "万", "亿", "万亿"]


def rmb_upper(amount) -> str:
    """人民币大写, as on a cheque or an arbitration claim: 12000.50 → 壹万贰仟元伍角整."""
    if amount is None:
        return ""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    yuan, fen = divmod(int(amount * 100), 100)
    jiao, fen = divmod(fen, 10)
    if yuan == 0 and jiao == 0 and fen == 0:
        return "零元整"
    words = ""
    if yuan:
        sections, zero_pending, idx = [], False, 0
        while yuan:
            yuan, section = divmod(yuan, 10000)
            sections.append((idx, section))
            idx += 1
        for idx, section in reversed(sections):
            if section == 0:
                zero_pending = bool(words)
                continue
            if words and (zero_pending or section < 1000):
                words += "零"
            zero_pending = False
            part, inner_zero = "", False
            for pos in range(3, -1, -1):
                digit = section // 10**pos % 10
                if digit == 0:
                    inner_zero = bool(part)
                    continue
                if inner_zero:
                    part += "零"
                    inner_zero = False
                part += DIGITS[digit] + UNITS[pos]
            words += part + SECTIONS[idx]
        words += "元"
    if jiao:
        words += ("零" if words and not words.endswith("元") else "") + DIGITS[jiao] + "角"
    elif fen and words:
        words += "零"
    if fen:
        words += DIGITS[fen] + "分"
    else:
        words += "整"
    return words


def person_facts(id_number: str) -> dict:
    """Sex, birth date and age from a GB 11643 number (digits 7–14 and 17)."""
    if len(id_number or "") != 18:
        return {}
    try:
        born = datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return {}
    today = timezone.localdate()
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return {"sex": "男" if int(id_number[16]) % 2 else "女", "born": born, "age": age}


ARBITRATION_REQUESTS = {
    ClaimType.WAGE: gettext_lazy("裁决被申请人向申请人支付拖欠的劳动报酬"),
    ClaimType.INJURY: gettext_lazy(
        "裁决被申请人向申请人支付工伤保险待遇（医疗费、停工留薪期工资、伤残补助金等）"
    ),
    ClaimType.OCCUPATIONAL: gettext_lazy("裁决被申请人向申请人支付职业伤害保障相关待遇"),
    ClaimType.LABOR: gettext_lazy("确认申请人与被申请人之间存在劳动关系，并依法处理相关争议"),
}

RESPONDENT_KINDS = (Party.Kind.EMPLOYER, Party.Kind.PLATFORM, Party.Kind.AGENCY)


def _evidence_to_bring(case) -> list[str]:
    from cases.evidence import ITEMS, items_for

    have = case.evidence or {}
    return [str(ITEMS[code]) for code in items_for(case.claim_list) if not have.get(code)]


def _timeline(case) -> list[dict]:
    rows = [
        {"date": timezone.localtime(case.created_at).date(), "text": _("驿站登记求助")},
    ]
    labels = dict(State.choices)
    for event in case.events.filter(kind=CaseEvent.Kind.TRANSITION).order_by("at", "pk"):
        rows.append(
            {
                "date": timezone.localtime(event.at).date(),
                "text": f"{labels.get(event.source_state, event.source_state)} → "
                f"{labels.get(event.target_state, event.target_state)}",
            }
        )
    for milestone in case.milestones.all():
        rows.append({"date": milestone.date, "text": milestone.get_kind_display()})
    return sorted(rows, key=lambda row: row["date"])


def _deadlines(case) -> dict:
    deadlines = list(case.deadlines.order_by("due_date", "pk"))
    counts = {status: 0 for status in Deadline.Status.values}
    for deadline in deadlines:
        counts[deadline.status] += 1
    return {"deadlines": deadlines, "deadline_counts": counts}


def build_context(case: Case, kind: str) -> dict:
    worker = case.worker
    parties = list(case.parties.all())
    respondents = [p for p in parties if p.kind in RESPONDENT_KINDS] or parties[:1]
    context = {
        "case": case,
        "kind": kind,
        "title": Kind(kind).label,
        "worker": worker,
        "worker_phone": mask_phone(worker.phone),
        "person": person_facts(worker.id_number),
        "station": case.station,
        "lawyer": case.lawyer,
        "parties": parties,
        "respondents": respondents,
        "opponents": "、".join(p.name for p in respondents),
        "claims_display": case.get_claims_display(),
        "amount_upper": rmb_upper(case.amount_claimed),
        "generated_on": timezone.localdate(),
        "site_name": settings.SITE_NAME,
        "network_name": settings.NETWORK_NAME,
    }
    if kind == Kind.RECEIPT:
        context["to_bring"] = _evidence_to_bring(case)
        context["public_url"] = getattr(settings, "PUBLIC_URL", "").rstrip("/")
    elif kind == Kind.LEGALAID_APPLICATION:
        # 法律援助法 42(3): migrant workers claiming pay or work-injury damages are
        # exempt from the means test. Ticked when the coordinator decided so, or,
        # before any decision, when the claim is of that kind.
        qualifying = claims.exempt_42_3(case.claim_list)
        context["exempt_42_3"] = case.eligibility == Case.Eligibility.EXEMPT_42_3 or (
            case.eligibility == Case.Eligibility.UNDECIDED and qualifying
        )
    elif kind == Kind.ARBITRATION_APPLICATION:
        region = Region.objects.filter(code=case.region_code).first()
        context["commission"] = (region.full_name or region.name) if region else ""
        context["requests"] = [
            ARBITRATION_REQUESTS[c] for c in case.claim_list if c in ARBITRATION_REQUESTS
        ]
    elif kind == Kind.CLOSING_REPORT:
        context["timeline"] = _timeline(case)
        context["amount_recovered_upper"] = rmb_upper(case.amount_recovered)
        context.update(_deadlines(case))
    return context


def render_html(case: Case, kind: str, **context) -> str:
    # Forms go to Chinese agencies and courts: always rendered in Simplified Chinese,
    # whatever language the person generating them reads the site in.
    with translation.override("zh-hans"):
        full = build_context(case, kind)
        full.update(context)
        return render_to_string(RULES[kind].template, full)


def render_pdf(case: Case, kind: str, **context) -> bytes:
    """The PDF of `kind` for `case`. Extra context overrides the defaults (e.g. access_code)."""
    if kind not in RULES:
        raise DocumentRefused(_("未知的文书类型。"))
    return html_to_pdf(render_html(case, kind, **context))


# ---------------------------------------------------------------------------
# Generating and storing


def generate(case: Case, kind: str, user, *, access_code: str | None = None) -> Document:
    """Render `kind`, store it as the next version, and record a DOCUMENT event.

    The clear access code is never persisted (it exists only as a hash on the case).
    The stored receipt is therefore always rendered without it; when a fresh code is
    given, a second rendering that includes it is returned on `document.printable`
    for the caller to stream once and forget. The stored version keeps the audit
    trail and the SHA-256 honest, and a stolen disk reveals no codes.
    """
    if not kind_allowed(case, kind, user):
        raise DocumentRefused(_("当前状态下您不能生成这份文书。"))
    rule = RULES[kind]
    pdf = render_pdf(case, kind)
    document = _store(case, kind, user, pdf, rule)
    document.printable = None
    if kind == Kind.RECEIPT and access_code:
        document.printable = render_pdf(case, kind, access_code=access_code)
    return document


def _store(case, kind, user, pdf: bytes, rule: Rule) -> Document:
    with transaction.atomic():
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
        document.file.save(f"{kind}-v{document.version}.pdf", ContentFile(pdf), save=False)
        try:
            document.save()
            CaseEvent.objects.create(
                case=case,
                actor=document.generated_by,
                kind=CaseEvent.Kind.DOCUMENT,
                note=f"{Kind(kind).label} v{document.version}",
                data={
                    "document": document.pk,
                    "kind": kind,
                    "version": document.version,
                    "sha256": document.sha256,
                },
            )
        except Exception:
            document.file.delete(save=False)
            raise
    return document


def record_download(document: Document, user) -> None:
    CaseEvent.objects.create(
        case=document.case,
        actor=user if user.is_authenticated else None,
        kind=CaseEvent.Kind.DOWNLOAD,
        note=f"{document.get_kind_display()} v{document.version}",
        data={"document": document.pk, "kind": document.kind, "version": document.version},
    )


def download_name(document: Document) -> str:
    return f"{document.case.number}-{document.get_kind_display()}-v{document.version}.pdf"


# ---------------------------------------------------------------------------
# The receipt's access code, right after intake


# ---------------------------------------------------------------------------
# Closing reports for many cases at once (a django-q2 task, see cases/tasks.py)


def bulk_candidates(user):
    """Cases a coordinator may put in a closing-report batch."""
    access = Access.of(user)
    if not (user.is_superuser or access.is_coordinator):
        return Case.objects.none()
    return (
        Case.objects.visible_to(user)
        .filter(state__in=[State.RESOLVED, State.REFERRED])
        .select_related("worker", "station", "lawyer")
    )


def start_batch(user, case_ids) -> "DocumentBatch":  # noqa: F821
    """Create a batch of the selected cases this user may report on; the task runs it."""
    from django_q.tasks import async_task

    from cases.models import DocumentBatch

    cases = [
        case
        for case in bulk_candidates(user).filter(pk__in=list(case_ids))
        if kind_allowed(case, Kind.CLOSING_REPORT, user)
    ]
    if not cases:
        raise DocumentRefused(_("请至少选择一个可生成结案报告的案件。"))
    batch = DocumentBatch.objects.create(
        created_by=user, kind=Kind.CLOSING_REPORT, case_ids=sorted(c.pk for c in cases)
    )
    transaction.on_commit(lambda: async_task("cases.tasks.generate_closing_reports", batch.pk))
    return batch


def run_batch(batch_id: int) -> None:
    """Generate the batch's documents one by one, recording progress after each.

    Safe to run twice: a case already done in this batch is skipped, and a finished
    batch is left alone.
    """
    from cases.models import DocumentBatch

    batch = DocumentBatch.objects.select_related("created_by").get(pk=batch_id)
    if batch.status == DocumentBatch.Status.DONE:
        return
    DocumentBatch.objects.filter(pk=batch.pk, status=DocumentBatch.Status.QUEUED).update(
        status=DocumentBatch.Status.RUNNING, started_at=timezone.now()
    )
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
            document = generate(case, batch.kind, user)
            batch.results[key] = document.pk
        except DocumentError as exc:
            batch.errors[key] = str(exc)
        except Exception:  # one bad case must not stop the rest of the batch
            logger.exception("closing report for case %s failed", case_id)
            batch.errors[key] = _("生成失败，请稍后在案件页面重试。")
        batch.save(update_fields=["results", "errors"])
    DocumentBatch.objects.filter(pk=batch.pk).update(
        status=DocumentBatch.Status.DONE, finished_at=timezone.now()
    )


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
            with document.file.open("rb") as f:
                archive.writestr(download_name(document), f.read())
