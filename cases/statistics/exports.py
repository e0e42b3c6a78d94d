"""Statistics exports: the monthly report (XLSX and PDF) and the case ledger (台账).

- The monthly report is the dashboard's five sections for one region and one month,
  built by the same code (sections.build), so its totals are the dashboard's; analysts
  get it protected like their pages. The XLSX has a fixed, printable layout (A4
  portrait, fitted to the width, title rows repeated); the PDF is rendered by
  WeasyPrint through the documents' fetcher (static files only), charts as SVG.
- The ledger is one row per case received in the scope and period, for coordinators:
  the worker's name and phone masked, no ID number and no free text. Small ledgers
  stream straight to the browser (CSV rows as they are read, XLSX through openpyxl's
  write-only mode); above LEDGER_INLINE_MAX a django-q2 task writes the file and the
  coordinator watches its progress (the bulk closing reports' pattern).
- Every export writes an ExportLog row.
"""

import csv
import io
import logging
import tempfile

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from cases.documents.generate import html_to_pdf
from cases.models import Case, ExportJob, ExportLog
from cases.statistics import dashboard, sections
from cases.statistics.behind import cases_behind
from cases.statistics.periods import Period, StatisticsFilter
from cases.statistics.rollup import RECEIVED, main_claim
from cases.validators import mask_phone
from config import replica
from lawyers.models import ClaimType

logger = logging.getLogger(__name__)

LEDGER_INLINE_MAX = getattr(settings, "STATISTICS_LEDGER_INLINE_MAX", 5000)
PROGRESS_EVERY = 1000


def log_export(user, kind, scope, period: Period, *, rows=0, suppressed=False) -> ExportLog:
    return ExportLog.objects.create(
        user=user,
        kind=kind,
        scope=scope.prefix,
        station=scope.station_id or None,
        first_month=period.first,
        last_month=period.last,
        rows=rows,
        suppressed=suppressed,
    )


# ---------------------------------------------------------------------------
# The monthly report


def monthly_pages(scope, period: Period, *, suppressed: bool) -> dict:
    """The five sections for the report, without links (a file has no session)."""
    return {
        name: sections.build(name, scope, period, suppressed=suppressed, links=False)
        for name in sections.SECTIONS
    }


def report_title(scope, period: Period) -> str:
    return _("%(scope)s 法律援助统计月报（%(period)s）") % {"scope": scope.name, "period": period}


THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD = PatternFill("solid", fgColor="E8EEF6")


def _cell_text(cell) -> object:
    return cell.mark if cell.hidden else cell.n


def _amount(cell, field):
    return "—" if cell.hidden else float(getattr(cell, field))


class _Sheet:
    """Writes tables one under another in four columns: label, count, and two amounts."""

    def __init__(self, ws):
        self.ws = ws
        self.row = 1

    def title(self, text):
        self.ws.cell(self.row, 1, text).font = Font(bold=True, size=14)
        self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=4)
        self.row += 2

    def heading(self, text):
        self.ws.cell(self.row, 1, text).font = Font(bold=True, size=12)
        self.row += 1

    def line(self, values, *, head=False, bold=False):
        for col, value in enumerate(values, 1):
            cell = self.ws.cell(self.row, col, value)
            cell.border = BOX
            cell.alignment = Alignment(horizontal="left" if col == 1 else "right", wrap_text=True)
            if head:
                cell.fill = HEAD
                cell.font = Font(bold=True)
            elif bold:
                cell.font = Font(bold=True)
            if isinstance(value, float):
                cell.number_format = "#,##0"
        self.row += 1

    def partition(self, title, part, *, amounts=()):
        self.heading(title)
        labels = {"claimed": _("请求金额（元）"), "recovered": _("挽回金额（元）")}
        self.line([_("项目"), _("件数"), *[labels[a] for a in amounts]], head=True)
        for cell in part.cells:
            self.line([cell.label, _cell_text(cell), *[_amount(cell, a) for a in amounts]])
        self.line(
            [_("合计"), _cell_text(part.total), *[_amount(part.total, a) for a in amounts]],
            bold=True,
        )
        self.row += 1

    def pairs(self, title, rows, headers):
        self.heading(title)
        self.line(headers, head=True)
        for row in rows:
            self.line(row)
        self.row += 1


def write_monthly_xlsx(scope, period: Period, pages: dict, fileobj) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = _("月报")
    for col, width in zip("ABCD", (34, 12, 18, 18), strict=True):
        ws.column_dimensions[col].width = width
    sheet = _Sheet(ws)
    sheet.title(report_title(scope, period))
    suppressed = pages["overview"].suppressed
    if suppressed:
        sheet.heading(
            _("为保护个人信息，少于 5 件的数字显示为“<5”，另有数字以“—”隐去，使合计无法反推。")
        )
        sheet.row += 1
    overview = pages["overview"]
    sheet.pairs(
        _("概况"),
        [
            [
                str(h["label"]),
                _cell_text(h["cell"]),
                _cell_text(h["previous"]["cell"]) if h["previous"] else "",
                _cell_text(h["last_year"]["cell"]) if h.get("last_year") else "",
            ]
            for h in overview.extra["headline"]
        ],
        [_("项目"), _("本月"), _("上月"), _("去年同月")],
    )
    sheet.partition(_("按求助类型"), overview.partitions["claim"], amounts=("claimed",))
    sheet.partition(_("按平台"), overview.partitions["platform"])
    sheet.partition(_("按用工方式"), overview.partitions["arrangement"])
    sheet.partition(_("本月求助的办理进度"), overview.partitions["stage"])
    if overview.partitions["children"].cells:
        sheet.partition(
            _("按%(level)s") % {"level": scope.child_level},
            overview.partitions["children"],
            amounts=("claimed",),
        )
    flow = pages["flow"]
    sheet.partition(_("处理决定"), flow.partitions["decision"])
    sheet.pairs(
        _("办理时效（天）"),
        [
            [
                str(s["label"]),
                s["median"] if s["median"] is not None else "—",
                s["p90"] if s["p90"] is not None else "—",
                f"{s['within_share'] * 100:.0f}%" if s["within_share"] is not None else "—",
            ]
            for s in flow.extra["steps"]
        ],
        [_("环节"), _("中位数"), _("90% 分位"), _("按时比例")],
    )
    for group, label in flow.extra["deadline_groups"]:
        sheet.partition(_("期限：%(what)s") % {"what": label}, flow.partitions[f"deadline:{group}"])
    sheet.partition(_("撤回"), flow.partitions["withdrawn"])
    outcomes = pages["outcomes"]
    sheet.partition(_("办结结果"), outcomes.partitions["outcome"], amounts=("recovered",))
    sheet.partition(
        _("办结案件的请求与挽回金额"),
        outcomes.partitions["resolved_claim"],
        amounts=("claimed", "recovered"),
    )
    sources = pages["sources"].extra.get("respondents")
    if sources:
        sheet.pairs(
            _("被申请单位（按案件数）"),
            [
                [r["name"], _cell_text(r["total"]), _amount(r["total"], "claimed"), r["spread"]]
                for r in sources["by_cases"]
            ],
            [
                _("单位"),
                _("件数"),
                _("请求金额（元）"),
                _("涉及%(level)s数") % {"level": scope.child_level},
            ],
        )
    lawyers = pages["lawyers"]
    sheet.partition(_("律师答复指派"), lawyers.partitions["offer"])
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "&P / &N"
    wb.save(fileobj)


def render_monthly_pdf(scope, period: Period, pages: dict) -> bytes:
    # A report for agencies and the federation: always in Simplified Chinese, like the
    # case documents.
    with translation.override("zh-hans"):
        html = render_to_string(
            "statistics/monthly_report.html",
            {
                "scope": scope,
                "period": period,
                "pages": pages,
                "title": report_title(scope, period),
            },
        )
    return html_to_pdf(html)


# ---------------------------------------------------------------------------
# The case ledger


def ledger_cases(user, scope, period: Period):
    """The cases of the ledger: those received in the scope and period that the user
    may see, i.e. the cases behind the dashboard's "received" total."""
    cases = Case.objects.visible_to(user).filter(region_code__startswith=scope.prefix)
    if scope.station:
        cases = cases.filter(station=scope.station)
    return cases_behind(cases, period, RECEIVED)


def ledger_headers() -> list[str]:
    return [
        _("案件编号"),
        _("登记驿站"),
        _("区划代码"),
        _("登记日期"),
        _("劳动者"),
        _("手机号"),
        _("平台"),
        _("用工方式"),
        _("求助类型"),
        _("主要类型"),
        _("状态"),
        _("受理日期"),
        _("指派日期"),
        _("律师接案日期"),
        _("办结日期"),
        _("办理结果"),
        _("承办律师"),
        _("请求金额（元）"),
        _("挽回金额（元）"),
        _("期限按期完成"),
        _("期限错过"),
        _("期限免除"),
    ]


def mask_name(name: str) -> str:
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def _date(moment):
    return timezone.localdate(moment).isoformat() if moment else ""


def ledger_rows(cases):
    """One list per case, read in chunks: memory stays flat whatever the count."""
    labels = {
        "state": dict(Case.State.choices),
        "outcome": dict(Case.Outcome.choices),
        "claim": dict(ClaimType.choices),
        "platform": dict(Case._meta.get_field("worker").related_model.Platform.choices),
        "arrangement": dict(Case._meta.get_field("worker").related_model.Arrangement.choices),
    }
    labels = {k: {code: str(text) for code, text in v.items()} for k, v in labels.items()}
    separator = _("、")
    rows = (
        cases.annotate(
            met=Count("deadlines", filter=Q(deadlines__status="done")),
            missed=Count("deadlines", filter=Q(deadlines__status="missed")),
            waived=Count("deadlines", filter=Q(deadlines__status="waived")),
        )
        .order_by("created_at", "pk")
        .values_list(
            "number",
            "station__name",
            "region_code",
            "created_at",
            "worker__name",
            "worker__phone",
            "worker__platform",
            "worker__arrangement",
            "claims",
            "state",
            "accepted_at",
            "assigned_at",
            "lawyer_accepted_at",
            "resolved_at",
            "outcome",
            "lawyer__name",
            "amount_claimed",
            "amount_recovered",
            "met",
            "missed",
            "waived",
        )
    )
    for (
        number,
        station,
        region,
        created,
        name,
        phone,
        platform,
        arrangement,
        claims,
        state,
        accepted,
        assigned,
        lawyer_accepted,
        resolved,
        outcome,
        lawyer,
        claimed,
        recovered,
        met,
        missed,
        waived,
    ) in rows.iterator(chunk_size=2000):
        yield [
            number,
            station,
            region,
            _date(created),
            mask_name(name),
            mask_phone(phone),
            labels["platform"].get(platform, platform),
            labels["arrangement"].get(arrangement, arrangement),
            separator.join(labels["claim"].get(c, c) for c in claims.split()),
            labels["claim"].get(main_claim(claims), ""),
            labels["state"].get(state, state),
            _date(accepted),
            _date(assigned),
            _date(lawyer_accepted),
            _date(resolved),
            labels["outcome"].get(outcome, ""),
            lawyer or "",
            float(claimed) if claimed is not None else None,
            float(recovered) if recovered is not None else None,
            met,
            missed,
            waived,
        ]


class _Echo:
    def write(self, value):
        return value


def ledger_csv_stream(cases):
    """CSV lines as they are read (UTF-8 with a BOM, which Excel needs for Chinese)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(ledger_headers())
    for row in ledger_rows(cases):
        yield writer.writerow(["" if v is None else v for v in row])


def write_ledger_xlsx(cases, fileobj, *, progress=None) -> int:
    """The ledger in openpyxl's write-only mode (rows go to a temporary file as they
    come); `progress(n)` is called every PROGRESS_EVERY rows. Returns the row count."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("案件台账"))
    ws.freeze_panes = "A2"
    for i, width in enumerate(
        (20, 22, 9, 11, 8, 14, 10, 12, 18, 12, 10, 11, 11, 11, 11, 14, 10, 12, 12, 8, 8, 8), 1
    ):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.append(ledger_headers())
    count = 0
    for row in ledger_rows(cases):
        ws.append(row)
        count += 1
        if progress and count % PROGRESS_EVERY == 0:
            progress(count)
    wb.save(fileobj)
    return count


def ledger_name(scope, period: Period, fmt: str) -> str:
    return f"{_('案件台账')}-{scope.code or 'all'}-{period.first:%Y%m}-{period.last:%Y%m}.{fmt}"


def start_ledger_job(user, kind, scope, period: Period, total: int) -> ExportJob:
    job = ExportJob.objects.create(
        created_by=user,
        kind=kind,
        total=total,
        params={**scope.params, **period.params},
    )
    transaction.on_commit(lambda: async_task("cases.tasks.export_ledger", job.pk))
    return job


def run_ledger_job(job_id: int) -> None:
    """Write a queued ledger to storage, recording progress; safe to run twice (a
    finished job is left alone)."""
    job = ExportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status == ExportJob.Status.DONE:
        return
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING)
    form = StatisticsFilter(job.params)
    form.is_valid()
    scope = dashboard.resolve_scope(job.params.get("region", ""), job.params.get("station", ""))
    period = form.cleaned_data["period"]
    # The rows from the read replica when there is one (the job and its progress: primary).
    cases = ledger_cases(job.created_by, scope, period).using(replica.read_alias())

    def progress(n):
        ExportJob.objects.filter(pk=job.pk).update(processed=n)

    try:
        if job.kind == ExportLog.Kind.LEDGER_CSV:
            buffer = io.BytesIO()
            count = 0
            for line in ledger_csv_stream(cases):
                buffer.write(line.encode("utf-8"))
                count += 1
                if count % PROGRESS_EVERY == 0:
                    progress(count)
            count -= 1
            content = ContentFile(buffer.getvalue())
        else:
            handle = tempfile.TemporaryFile()
            count = write_ledger_xlsx(cases, handle, progress=progress)
            handle.seek(0)
            content = File(handle)
        job.file.save(
            ledger_name(scope, period, "csv" if job.kind == ExportLog.Kind.LEDGER_CSV else "xlsx"),
            content,
            save=False,
        )
    except Exception:
        logger.exception("ledger export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED)
        return
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE,
        processed=count,
        total=count,
        file=job.file.name,
        finished_at=timezone.now(),
    )
