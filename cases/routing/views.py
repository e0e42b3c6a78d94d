"""Routing pages: the lawyer's queue, the coordinator's assignment board, and the
POST actions that assign, accept, decline and reassign. Each action is one call to
cases.workflow.apply_transition; the lists come from cases.routing.queues."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import workflow
from cases.links import case_url
from cases.models import Case
from cases.permissions import (
    case_or_404,
    is_assigned_lawyer,
    is_coordinator,
    lawyer_or_404,
    may_coordinate,
    require,
)
from cases.routing import offers, queues
from cases.routing.forms import ChooseLawyerForm, DeclineForm, QueueFilterForm
from cases.validators import mask_phone
from cases.workflow import CaseChanged, TransitionRefused, apply_transition
from lawyers.models import ClaimType

QUEUE_PAGE_SIZE = 20  # a phone screen or two
BOARD_PAGE_SIZE = 20


def _back(request, case):
    """Where to go after an action: the board when the form came from there."""
    if request.POST.get("next") == "board":
        return redirect("cases:assignment_board")
    return redirect(case)


# ---------------------------------------------------------------------------
# The lawyer's queue


@login_required
def queue(request):
    lawyer = lawyer_or_404(request.user)
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows, counts = queues.lawyer_queue(
        lawyer,
        claim=filters.get("claim", ""),
        state=filters.get("state", ""),
        q=filters.get("q", ""),
    )
    paginator = Paginator(rows, QUEUE_PAGE_SIZE)
    # The section counts already add up to the total: no second COUNT query.
    state = filters.get("state", "")
    paginator.count = {
        Case.State.ASSIGNED: counts["awaiting"],
        Case.State.IN_PROGRESS: counts["in_progress"],
    }.get(state, counts["awaiting"] + counts["in_progress"])
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "lawyer": lawyer,
        "form": form,
        "page": page,
        "sections": queue_sections(page.object_list, timezone.localdate()),
        "counts": counts,
        "query_string": params.urlencode(),
    }
    if request.htmx:
        return render(request, "cases/_queue_rows.html", context)
    context["claim_options"] = _options(form, "claim")
    context["state_options"] = _options(form, "state")
    return render(request, "cases/queue.html", context)


@login_required
def handed_over(request):
    """The cases reassigned away from this lawyer: only their own notes stay readable."""
    lawyer = lawyer_or_404(request.user)
    page = Paginator(queues.handed_over(lawyer), BOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/handed_over.html", {"page": page})


@login_required
def own_notes(request, number):
    lawyer = lawyer_or_404(request.user)
    case = get_object_or_404(queues.handed_over(lawyer), number=number)
    notes = queues.own_notes(case, request.user)
    return render(request, "cases/own_notes.html", {"case": case, "notes": notes})


def _options(form, name):
    """(value, label, selected) for a filter select written out in the template: a
    form widget renders every <option> through its own template, which cost the
    queue page more than all its rows."""
    current = str(form[name].value() or "")
    return [(value, label, value == current) for value, label in form.fields[name].choices]


def queue_sections(cases, today):
    """The page's rows, display-ready, in their two sections (awaiting, in progress).

    The queue is the lawyer's home screen and is reloaded all day: formatting each row
    here (URLs, claim labels, masked phone, dates) costs a fraction of doing it with
    template tags and filters per row (bench/queue_page.py measures it)."""
    claim_labels = dict(ClaimType.choices)
    separator = _("、")
    sections = {0: [], 1: []}
    for case in cases:
        awaiting = case.state == Case.State.ASSIGNED
        due, accept_due = case.next_deadline_due, case.accept_due
        row = {
            "number": case.number,
            "url": case_url("cases:detail", case.number),
            "claims": separator.join(str(claim_labels.get(c, c)) for c in case.claim_list),
            "worker": case.worker.name,
            "phone": mask_phone(case.worker_phone),
            "station": case.station.name,
            "awaiting": awaiting,
            "overdue": bool(due and due < today) or bool(accept_due and accept_due < today),
        }
        if awaiting:
            row.update(
                accept_due=accept_due.strftime("%m-%d") if accept_due else "",
                assigned_at=_local(case.assigned_at, "%m-%d %H:%M"),
                accept_url=case_url("cases:accept", case.number),
                decline_url=case_url("cases:decline", case.number),
            )
        else:
            row.update(
                due=due.isoformat() if due else "",
                due_passed=bool(due and due < today),
                accepted_at=_local(case.lawyer_accepted_at, "%m-%d"),
            )
        sections[case.section].append(row)
    return [
        {"key": key, "rows": rows}
        for key, rows in (("awaiting", sections[0]), ("in_progress", sections[1]))
        if rows
    ]


def _local(moment, fmt):
    return timezone.localtime(moment).strftime(fmt) if moment else ""


# ---------------------------------------------------------------------------
# The coordinator's board


@login_required
def assignment_board(request):
    require(is_coordinator, request.user)
    q = request.GET.get("q", "")[:50]
    waiting, offered = queues.board_queues(request.user, q=q)
    waiting_page = Paginator(waiting, BOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    offered_page = Paginator(offered, BOARD_PAGE_SIZE).get_page(request.GET.get("opage"))
    suggestions = offers.suggest_many(waiting_page.object_list)
    rows = [
        {
            "case": case,
            "top": (suggestions.get(case.pk) or [None])[0],
            "last_offer": next(
                (a for a in case.assignments.all() if a.status in ("declined", "expired")), None
            ),
        }
        for case in waiting_page.object_list
    ]
    return render(
        request,
        "cases/assignment_board.html",
        {
            "q": q,
            "rows": rows,
            "waiting_page": waiting_page,
            "offered_page": offered_page,
            "today": timezone.localdate(),
        },
    )


# ---------------------------------------------------------------------------
# Coordinator actions


def _refused(request, exc):
    messages.error(request, str(exc))


@login_required
def assign(request, number):
    """GET: every eligible lawyer, ranked, searchable by name or firm. POST: assign one."""
    case = case_or_404(request.user, number, may_coordinate)
    return _choose_lawyer(request, case, action="assign")


@login_required
def reassign(request, number):
    case = case_or_404(request.user, number, may_coordinate)
    return _choose_lawyer(request, case, action="reassign")


def _choose_lawyer(request, case, *, action):
    reassigning = action == "reassign"
    ready = Case.State.IN_PROGRESS if reassigning else Case.State.ACCEPTED
    if case.state != ready:
        messages.info(
            request,
            _("该案件当前状态为“%(state)s”，不能分配律师。") % {"state": case.get_state_display()},
        )
        return redirect(case)
    form = ChooseLawyerForm(request.POST or None, reason_required=reassigning)
    if request.method == "POST" and form.is_valid():
        lawyer = form.cleaned_data["lawyer"]
        expected = form.cleaned_data["state"] or None
        try:
            reason = form.cleaned_data["reason"]
            apply_transition(
                case,
                action,
                request.user,
                expected_state=expected,
                note=reason,
                lawyer=lawyer,
                data={} if reassigning else {"auto": False},
            )
        except offers.AssignmentRefused as exc:
            form.add_error("lawyer", str(exc))
        except (CaseChanged, TransitionRefused) as exc:
            _refused(request, exc)
            return redirect(case)
        else:
            messages.success(
                request, _("已分配给律师%(name)s，等待其确认接案。") % {"name": lawyer.name}
            )
            return _back(request, case)
    q = request.GET.get("q", "").strip()[:50]
    suggestions = offers.suggest(case)
    if q:
        suggestions = [s for s in suggestions if q in s.lawyer.name or q in s.lawyer.firm]
    return render(
        request,
        "cases/assign.html",
        {
            "case": case,
            "form": form,
            "suggestions": suggestions,
            "q": q,
            "reassigning": reassigning,
            "selected": str(form["lawyer"].value() or ""),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def auto_assign(request, number):
    case = case_or_404(request.user, number, may_coordinate)
    try:
        event = workflow.auto_assign(
            case, request.user, expected_state=request.POST.get("state") or None
        )
    except (CaseChanged, TransitionRefused) as exc:
        _refused(request, exc)
        return _back(request, case)
    if event is None:
        messages.error(request, _("没有符合条件的律师，请调整后手动分配。"))
    else:
        case.refresh_from_db()
        messages.success(
            request, _("已自动分配给律师%(name)s，等待其确认接案。") % {"name": case.lawyer.name}
        )
    return _back(request, case)


# ---------------------------------------------------------------------------
# Lawyer actions


def _assigned_case(user, number) -> Case:
    lawyer_or_404(user)
    return case_or_404(user, number, is_assigned_lawyer)


@login_required
@require_POST
def accept(request, number):
    case = _assigned_case(request.user, number)
    try:
        apply_transition(
            case, "accept", request.user, expected_state=request.POST.get("state") or None
        )
    except (CaseChanged, TransitionRefused) as exc:
        _refused(request, exc)
        return redirect(case)
    messages.success(request, _("已接案。请尽快联系劳动者。"))
    if request.POST.get("next") == "queue":
        return redirect("cases:queue")
    return redirect(case)


@login_required
def decline(request, number):
    """GET: the form with the reason. POST: decline; the case leaves the lawyer's view."""
    case = _assigned_case(request.user, number)
    form = DeclineForm(request.POST or None, initial={"state": case.state})
    if request.method == "POST" and form.is_valid():
        try:
            reason = form.cleaned_data["reason"]
            apply_transition(
                case,
                "decline",
                request.user,
                expected_state=form.cleaned_data["state"] or None,
                note=reason,
                reason=reason,
            )
        except (CaseChanged, TransitionRefused) as exc:
            _refused(request, exc)
            return redirect(case)
        messages.success(
            request, _("已拒绝案件 %(number)s，协调员会另行安排。") % {"number": case.number}
        )
        return redirect("cases:queue")
    return render(
        request,
        "cases/decline.html",
        {"case": case, "form": form},
        status=400 if request.method == "POST" else 200,
    )
