"""What the worker reads on step 3: their cases in plain words, in one query."""

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.claims import claims_display
from cases.deadlines import rules
from cases.models import Case, Deadline
from config.i18n import per_language
from lawyers.models import Lawyer
from stations.models import Station

NEXT_STEPS = {
    Case.State.RECEIVED: gettext_lazy(
        "工会会尽快审核您的求助，需要时会打电话联系您，请保持电话畅通。"
    ),
    Case.State.ACCEPTED: gettext_lazy("工会正在为您安排志愿律师，安排好后会短信通知您。"),
    Case.State.ASSIGNED: gettext_lazy("律师确认接案后会短信通知您，并主动与您联系。"),
    Case.State.IN_PROGRESS: gettext_lazy("律师会与您联系，请按律师的要求准备材料，保持电话畅通。"),
    Case.State.RESOLVED: gettext_lazy("案件已办结。如对结果有疑问，请联系登记驿站。"),
    Case.State.CLOSED: gettext_lazy("案件已归档。如有新的问题，可以再到驿站求助。"),
    Case.State.REFERRED: gettext_lazy("请联系：%(to)s。"),
    Case.State.WITHDRAWN: gettext_lazy("如需重新求助，请到驿站登记。"),
}


LAWYER_VISIBLE = {Case.State.IN_PROGRESS, Case.State.RESOLVED, Case.State.CLOSED}


MAX_SHOWN = 20


def _case_rows_sql(n_workers: int) -> str:
    """Step 3's one query: the worker's cases newest first, each with its station, its
    lawyer and its nearest open worker-side deadline, as three correlated subqueries
    that each return one JSON array (EXPLAIN in bench/status_page.py).

    Written out rather than built with the ORM: building and compiling the equivalent
    queryset cost about ten times as long as running it, on the page workers reload
    all day. Subqueries rather than joins because PostgreSQL spent longer planning the
    joins than running the query; written this way it plans in about as long as it
    runs (bench/status_page.py prints EXPLAIN). On a persistent connection psycopg prepares it after five runs and planning goes away
    (DB_PREPARED_STATEMENTS in config/settings.py).

    An anonymised case is not shown: after an erasure (PIPL art. 47) or the retention
    run, a status session or API worker token opened before it shows nothing of it."""
    q = connection.ops.quote_name
    case, station, lawyer, deadline = (
        q(model._meta.db_table) for model in (Case, Station, Lawyer, Deadline)
    )
    array = "json_build_array" if connection.vendor == "postgresql" else "json_array"
    placeholders = ", ".join(["%s"] * n_workers)
    return (
        "SELECT c.number, c.claims, c.state, c.updated_at, c.referred_to,"
        " c.outcome, c.amount_recovered,"
        f" (SELECT {array}(s.name, s.phone) FROM {station} s WHERE s.id = c.station_id),"
        f" (SELECT {array}(l.name, l.firm) FROM {lawyer} l WHERE l.id = c.lawyer_id),"
        f" (SELECT {array}(d.due_date, d.rule, d.provisional, d.safe_date) FROM {deadline} d"
        "   WHERE d.case_id = c.id AND d.status = %s AND d.binds = %s"
        "   ORDER BY d.due_date, d.id LIMIT 1)"
        f" FROM {case} c WHERE c.worker_id IN ({placeholders}) AND c.anonymised_at IS NULL"
        " ORDER BY c.created_at DESC, c.id DESC LIMIT %s"
    )


def worker_cases(worker_ids, limit: int) -> list[dict]:
    """The session's cases as plain rows, newest first, each with its nearest open
    worker-side deadline: one query, however many cases there are."""
    worker_ids = [int(pk) for pk in worker_ids]
    if not worker_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*case_rows_query(worker_ids, limit))
        return [_case_row(*row) for row in cursor.fetchall()]


def case_rows_query(worker_ids: list[int], limit: int) -> tuple[str, list]:
    params = [Deadline.Status.OPEN.value, Deadline.Binds.WORKER.value, *worker_ids, limit]
    return _case_rows_sql(len(worker_ids)), params


def _case_row(
    number, claims, state, updated_at, referred_to, outcome, amount, station, lawyer, deadline
):
    # psycopg hands back json as Python values, SQLite as text; SQLite also gives text
    # for datetimes and 0/1 for booleans.
    station, lawyer, deadline = (
        json.loads(value) if isinstance(value, str) else value
        for value in (station, lawyer, deadline)
    )
    row = {
        "number": number,
        "claims": claims,
        "state": state,
        "updated_at": _aware(updated_at),
        "referred_to": referred_to,
        "outcome": outcome,
        "amount_recovered": None if amount is None else Decimal(str(amount)),
        "station__name": station[0],
        "station__phone": station[1],
        "lawyer": tuple(lawyer) if lawyer else None,  # (name, firm)
        "deadline": None,  # (due, rule, provisional, safe date or None)
    }
    if deadline:
        due, rule, provisional, safe = deadline
        row["deadline"] = (
            datetime.date.fromisoformat(due),
            rule,
            bool(provisional),
            datetime.date.fromisoformat(safe) if safe else None,
        )
    return row


def _aware(value) -> datetime.datetime:
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)  # stored in UTC (USE_TZ)
    return value


def shown_cases(worker_ids, today) -> tuple[list["CaseView"], bool]:
    """What step 3 shows: at most MAX_SHOWN cases, and whether there are more."""
    rows = worker_cases(worker_ids, MAX_SHOWN + 1)
    language = translation.get_language()
    return [case_view(row, today, language) for row in rows[:MAX_SHOWN]], len(rows) > MAX_SHOWN


# The wording below is remembered per language (config/i18n.py): step 3 is the page
# workers reload all day, and the same few phrases and dates come up on every request.


@per_language
def next_step(state: str, referred_to: str) -> str:
    text = NEXT_STEPS[state]
    if state == Case.State.REFERRED:
        return str(text) % {"to": referred_to or _("登记驿站")}
    return str(text)


@per_language
def deadline_words(rule: str, due: datetime.date, provisional: bool, today) -> str:
    known = rules.RULES.get(rule)
    action = known.worker_action if known and known.worker_action else _("办理下一步手续")
    when = date_format(due, "DATE_FORMAT")
    days = (due - today).days
    if days > 0:
        text = _("距离%(action)s的期限还有 %(days)d 天（%(date)s）") % {
            "action": action,
            "days": days,
            "date": when,
        }
    elif days == 0:
        text = _("今天是%(action)s的最后一天（%(date)s），请马上联系律师或驿站") % {
            "action": action,
            "date": when,
        }
    else:
        text = _("%(action)s的期限已于 %(date)s 届满，请马上联系律师或驿站") % {
            "action": action,
            "date": when,
        }
    if provisional:
        text += _("（暂定，待节假日安排公布后确认）")
    if rule in rules.PILOT_RULES:  # a pilot-policy limit, not a statute
        text += _("（%(notice)s）") % {"notice": rules.PILOT_NOTICE}
    return text


@per_language
def safe_date_words(safe: datetime.date, today) -> str:
    """The day to act by for a provisional due date that leans on guessed rest days:
    acting by then is in time whatever the year's holiday notice says."""
    when = date_format(safe, "DATE_FORMAT")
    if safe < today:
        return _("按暂定安排最晚应在%(date)s前办理，请马上联系律师或驿站") % {"date": when}
    return _("最晚请在%(date)s前办理（暂定）") % {"date": when}


OUTCOME_SHOWN = {Case.State.RESOLVED, Case.State.CLOSED}


@per_language
def outcome_words(outcome: str, amount: Decimal | None) -> str:
    """The result in one plain sentence, for the status page and the 已办结 SMS:
    "结果：经调解结案（有调解书），追回 12,000 元。" """
    if not outcome:
        return ""
    words = Case.WORKER_OUTCOMES.get(outcome, outcome)
    if amount:
        whole = amount == amount.to_integral_value()
        return _("结果：%(outcome)s，追回 %(amount)s 元。") % {
            "outcome": words,
            "amount": f"{amount:,.0f}" if whole else f"{amount:,.2f}",
        }
    return _("结果：%(outcome)s。") % {"outcome": words}


@per_language
def lawyer_words(name: str, firm: str) -> str:
    return _("%(name)s（%(firm)s）") % {"name": name, "firm": firm}


claims_words = per_language(lambda claims: claims_display(claims.split()))
state_words = per_language(lambda state: str(Case.WORKER_LABELS[state]))
date_words = per_language(lambda day: date_format(day, "DATE_FORMAT"))


@dataclass
class CaseView:
    """Only what the worker may read: no notes, no parties, no ID numbers."""

    number: str
    claims: str
    state_label: str
    updated: str  # the date, formatted for the reader's language
    next_step: str
    deadline: str
    safe_date: str  # "最晚请在…前办理（暂定）", or empty
    outcome: str  # "结果：…", once the case is resolved; or empty
    station_name: str
    station_phone: str
    lawyer: str


def case_view(row: dict, today, language: str) -> CaseView:
    state = row["state"]
    lawyer = ""
    if row["lawyer"] and state in LAWYER_VISIBLE:
        lawyer = lawyer_words.in_language(language, *row["lawyer"])
    deadline = safe_date = ""
    if row["deadline"]:
        due, rule, provisional, safe = row["deadline"]
        deadline = deadline_words.in_language(language, rule, due, provisional, today)
        if safe:
            safe_date = safe_date_words.in_language(language, safe, today)
    updated = timezone.localtime(row["updated_at"]).date()
    return CaseView(
        number=row["number"],
        claims=claims_words.in_language(language, row["claims"]),
        state_label=state_words.in_language(language, state),
        updated=date_words.in_language(language, updated),
        next_step=next_step.in_language(language, state, row["referred_to"]),
        deadline=deadline,
        safe_date=safe_date,
        outcome=outcome_words.in_language(language, row["outcome"], row["amount_recovered"])
        if state in OUTCOME_SHOWN
        else "",
        station_name=row["station__name"],
        station_phone=row["station__phone"],
        lawyer=lawyer,
    )
