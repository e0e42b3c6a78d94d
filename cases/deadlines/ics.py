"""An iCalendar (.ics, RFC 5545) feed of a lawyer's open deadlines.

Calendar apps poll a private URL that carries a token (Lawyer.calendar_token); the
lawyer can regenerate or revoke it. The feed is read by third-party calendar
services, so it carries only the case number, the rule and its citation: no worker
name, phone or facts (PIPL minimisation).
"""

import datetime

from django.utils import timezone

from cases.deadlines import rules
from cases.models import Case, Deadline


def _escape(text: str) -> str:
    return (
        str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded (RFC 5545 §3.1), never inside a character."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def build(deadlines, *, calendar_name: str, now=None) -> str:
    now = now or timezone.now()
    stamp = now.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//yizhan-legal-aid//deadlines//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(calendar_name)}",
        "X-WR-TIMEZONE:Asia/Shanghai",
    ]
    for d in deadlines:
        rule = rules.RULES.get(d.rule)
        label = rule.label if rule else d.rule
        summary = f"{'【暂定】' if d.provisional else ''}{label} · {d.case.number}"
        description = f"{d.citation}\n{d.get_binds_display()}"
        if d.provisional:
            description += "\n届满日按周末和法定节假日推算，节假日安排公布后会重新计算"
        if d.safe_date and d.binds == Deadline.Binds.WORKER:
            description += f"\n最晚请在 {d.safe_date:%Y-%m-%d} 前办理（暂定）"
        lines += [
            "BEGIN:VEVENT",
            f"UID:deadline-{d.pk}@yizhan-legal-aid",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{d.due_date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{d.due_date + datetime.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(summary)}",
            f"DESCRIPTION:{_escape(description)}",
            "TRANSP:TRANSPARENT",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{_escape(summary)}",
            "TRIGGER:-P1D",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def build_for_lawyer(lawyer, now=None) -> str:
    deadlines = (
        Deadline.objects.filter(
            case__lawyer=lawyer,
            case__state__in=Case.OPEN_STATES,
            status=Deadline.Status.OPEN,
        )
        .select_related("case")
        .order_by("due_date", "pk")
    )
    return build(deadlines, calendar_name=f"驿站法援 · {lawyer.name} 的案件期限", now=now)
