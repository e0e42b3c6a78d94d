"""Retention of archived cases: CASE_RETENTION_DAYS (default three years) after a case
was closed or withdrawn, its personal data is removed (cases/privacy/anonymise.py) and
its statistics kept. Why three years: the README, "保存期限".

`report()` is the dry run: what the next run would do, changing nothing
(`manage.py retention`). `apply()` does it (`manage.py retention --apply`, and the
daily job "yizhan:retention" in cases/tasks.py). A worker record is anonymised once
none of its cases is kept any longer. Safe to run twice: anonymised cases are skipped.
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from cases.models import Case, CaseEvent, Worker
from cases.privacy.anonymise import anonymise_case, anonymise_worker, files_of


def cutoff(now=None) -> datetime.datetime | None:
    days = settings.CASE_RETENTION_DAYS
    if days <= 0:
        return None
    return (now or timezone.now()) - datetime.timedelta(days=days)


def due(now=None):
    """Archived cases past the retention period whose personal data is still there."""
    before = cutoff(now)
    if before is None:
        return Case.objects.none()
    withdrawn = CaseEvent.objects.filter(
        kind=CaseEvent.Kind.TRANSITION, target_state=Case.State.WITHDRAWN, at__lt=before
    ).values("case_id")
    return (
        Case.objects.filter(anonymised_at__isnull=True)
        .filter(
            Q(state=Case.State.CLOSED, closed_at__lt=before)
            | Q(state=Case.State.WITHDRAWN, pk__in=withdrawn)
        )
        .order_by("pk")
    )


def workers_done(case_ids) -> list[Worker]:
    """Worker records of these cases none of whose cases would be kept after them."""
    workers = Worker.objects.filter(cases__pk__in=case_ids, anonymised_at__isnull=True).distinct()
    return [
        w
        for w in workers
        if not w.cases.filter(anonymised_at__isnull=True).exclude(pk__in=case_ids).exists()
    ]


def report(now=None) -> dict:
    """The dry run: what `apply` would do now."""
    cases = list(due(now).prefetch_related("attachments", "documents"))
    ids = [c.pk for c in cases]
    attachments, documents, size = files_of(cases)
    before = cutoff(now)
    return {
        "retention_days": settings.CASE_RETENTION_DAYS,
        "archived_before": before.isoformat(timespec="seconds") if before else None,
        "cases": [c.number for c in cases],
        "workers": len(workers_done(ids)),
        "attachments": attachments,
        "documents": documents,
        "bytes": size,
    }


def apply(now=None) -> dict:
    """Anonymise what is due; returns the report of what was done."""
    result = report(now)
    for case in due(now):
        workers = workers_done([case.pk])
        anonymise_case(case, None, reason="retention")
        for worker in workers:
            anonymise_worker(worker)
    return result
