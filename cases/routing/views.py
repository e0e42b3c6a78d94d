"""Routing pages: the lawyer's queue, the coordinator's assignment board, and the
POST actions that assign, accept, decline and reassign (logic in cases.assignment)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases.models import Case
from cases.permissions import get_case_for, is_assigned_lawyer, may_coordinate
from cases.routing import assignment
from cases.validators import mask_phone
from cases.workflow import CaseChanged, TransitionRefused
from lawyers.models import ClaimType, Lawyer
from stations.models import Access

QUEUE_PAGE_SIZE = 20  # a phone screen or two
BOARD_PAGE_SIZE = 20


class QueueFilterForm(forms.Form):
    claim = forms.ChoiceField(
        label=gettext_lazy("求助类型"),
        required=False,
        choices=[("", gettext_lazy("全部类型")), *ClaimType.choices],
    )
    state = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[
            ("", gettext_lazy("全部状态")),
            (Case.State.ASSIGNED, gettext_lazy("待接案")),
            (Case.State.IN_PROGRESS, gettext_lazy("办理中")),
        ],
    )
    q = forms.CharField(label=gettext_lazy("搜索"), required=False, max_length=50)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("拒绝理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("请填写拒绝理由。")},
    )
    state = forms.CharField(required=False, widget=forms.HiddenInput)


class ChooseLawyerForm(forms.Form):
    lawyer = forms.ModelChoiceField(
        queryset=Lawyer.objects.all(),
        label=gettext_lazy("律师"),
        error_messages={
            "required": gettext_lazy("请选择一位律师。"),
            "invalid_choice": gettext_lazy("所选律师不存在，请重新选择。"),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("改派原因"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    state = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, reason_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        self.fields["reason"].error_messages["required"] = _("请填写改派原因。")


def _lawyer_or_404(user) -> Lawyer:
    lawyer = getattr(user, "lawyer", None)
    if lawyer is None:
        raise Http404
    return lawyer


def _coordinated_case(user, number) -> Case:
    case = get_case_for(user, number)
    if not may_coordinate(case, user):
        raise Http404
    return case


def _back(request, case):
    """Where to go after an action: the board when the form came from there."""
    if request.POST.get("next") == "board":
        return redirect("cases:assignment_board")
    return redirect(case)


# ---------------------------------------------------------------------------
# The lawyer's queue


@login_required
def queue(request):
    lawyer = _lawyer_or_404(request.user)
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows, counts = assignment.lawyer_queue(
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
    lawyer = _lawyer_or_404(request.user)
    page = Paginator(assignment.handed_over(lawyer), BOARD_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "cases/handed_over.html", {"page": page})


@login_required
def own_notes(request, number):
    lawyer = _lawyer_or_404(request.user)
    case = get_object_or_404(assignment.handed_over(lawyer), number=number)
    notes = assignment.own_notes(case, request.user)
    return render(request, "cases/own_notes.html", {"case": case, "notes": notes})


def _options(form, name):
    """(value, label, selected) for a filter select written out in the template: a
    form widget renders every <option> through its own template, which cost the
    queue page more than all its rows."""
    current = str(form[name].value() or "")
    return [(value, label, value == current) for value, label in form.fields[name].choices]


class _CaseUrl:
    """reverse() once per pattern, then a format per row: case numbers are URL-safe
    (digits and dashes), so the result is what reverse() would give for each."""

    PLACEHOLDER = "000000-0000-00000"

    def __init__(self, name):
        self.prefix, _sep, self.suffix = reverse(name, args=[self.PLACEHOLDER]).partition(
            self.PLACEHOLDER
        )

    def __call__(self, number):
        return f"{self.prefix}{number}{self.suffix}"


def queue_sections(cases, today):
    """The page's rows, display-ready, in their two sections (awaiting, in progress).

    The queue is the lawyer's home screen and is reloaded all day: formatting each row
    here (URLs, claim labels, masked phone, dates) costs a fraction of doing it with
    template tags and filters per row (issue 4, bench/queue_page.py)."""
    detail, accept, decline = (
        _CaseUrl("cases:detail"),
        _CaseUrl("cases:accept"),
        _CaseUrl("cases:decline"),
    )
    claim_labels = dict(ClaimType.choices)
    separator = _("、")
    sections = {0: [], 1: []}
    for case in cases:
        awaiting = case.state == Case.State.ASSIGNED
        due, accept_due = case.next_deadline_due, case.accept_due
        row = {
            "number": case.number,
            "url": detail(case.number),
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
                accept_url=accept(case.number),
                decline_url=decline(case.number),
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
    if not Access.of(request.user).is_coordinator and not request.user.is_superuser:
        raise Http404
    q = request.GET.get("q", "")[:50]
    waiting, offered = assignment.board_queues(request.user, q=q)
    waiting_page = Paginator(waiting, BOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    offered_page = Paginator(offered, BOARD_PAGE_SIZE).get_page(request.GET.get("opage"))
    suggestions = assignment.suggest_many(waiting_page.object_list)
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
    case = _coordinated_case(request.user, number)
    return _choose_lawyer(request, case, action="assign")


@login_required
def reassign(request, number):
    case = _coordinated_case(request.user, number)
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
            if reassigning:
                assignment.reassign_case(
                    case,
                    lawyer,
                    request.user,
                    reason=form.cleaned_data["reason"],
                    expected_state=expected,
                )
            else:
                assignment.assign_case(case, lawyer, request.user, expected_state=expected)
        except assignment.AssignmentRefused as exc:
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
    suggestions = assignment.suggest(case)
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
    case = _coordinated_case(request.user, number)
    try:
        event = assignment.auto_assign(
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
    _lawyer_or_404(user)
    case = get_case_for(user, number)
    if not is_assigned_lawyer(case, user):
        raise Http404
    return case


@login_required
@require_POST
def accept(request, number):
    case = _assigned_case(request.user, number)
    try:
        assignment.accept_case(case, request.user, expected_state=request.POST.get("state") or None)
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
            assignment.decline_case(
                case,
                request.user,
                reason=form.cleaned_data["reason"],
                expected_state=form.cleaned_data["state"] or None,
            )
        except (CaseChanged, TransitionRefused, assignment.AssignmentRefused) as exc:
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
