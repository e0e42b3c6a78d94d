"""Deadline pages: milestones on a case, acting on a deadline, the coordinator's
deadline board and the lawyer's calendar feed.

Views parse input, make one call into cases.deadlines.bookkeeping, and redirect or
render. Cases are reached only through cases.permissions (404 outside the user's scope).
"""

import datetime
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.deadlines import bookkeeping, ics, rules
from cases.deadlines.forms import (
    CloseDeadlineForm,
    ExtendForm,
    LimitationForm,
    MilestoneEditForm,
    MilestoneForm,
    milestone_choices,
)
from cases.models import Deadline, Milestone
from cases.permissions import (
    case_or_404,
    coordinated_cases,
    get_case_for,
    is_coordinator,
    lawyer_of,
    may_edit_deadlines,
    require,
)
from lawyers.models import Lawyer

BOARD_PAGE_SIZE = 30
BOARD_DAYS_AHEAD = 14


def _editable_case(request, number):
    return case_or_404(request.user, number, may_edit_deadlines)


# ---------------------------------------------------------------------------
# Milestones


@login_required
def milestone_add(request, number):
    case = _editable_case(request, number)
    form = MilestoneForm(
        request.POST or None,
        initial={"kind": request.GET.get("kind", "")},
        claims=case.claim_list,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        milestone = bookkeeping.record_milestone(
            case, data["kind"], data["date"], request.user, note=data["note"]
        )
        messages.success(
            request,
            _("已记录“%(kind)s”，相关期限已计算。") % {"kind": milestone.get_kind_display()},
        )
        return redirect(case.get_absolute_url() + "#deadlines-panel")
    return render(
        request,
        "cases/milestone_form.html",
        {"case": case, "form": form, "reference": _reference(case.claim_list)},
    )


@login_required
def milestone_edit(request, number, pk):
    case = _editable_case(request, number)
    milestone = get_object_or_404(Milestone, pk=pk, case=case)
    form = MilestoneEditForm(
        request.POST or None,
        kind=milestone.kind,
        initial={"date": milestone.date, "note": milestone.note},
    )
    if request.method == "POST" and form.is_valid():
        bookkeeping.update_milestone(
            milestone,
            date=form.cleaned_data["date"],
            note=form.cleaned_data["note"],
            user=request.user,
        )
        messages.success(request, _("节点日期已更新，相关期限已重新计算。"))
        return redirect(case.get_absolute_url() + "#deadlines-panel")
    return render(
        request,
        "cases/milestone_edit.html",
        {
            "case": case,
            "form": form,
            "milestone": milestone,
            "deadlines": milestone.deadlines.all(),
        },
    )


def _reference(claims) -> dict:
    """For the milestone form: the deadlines each milestone starts on this case, by the
    milestone's name; the case's own milestones first, the others apart."""
    ours, others = milestone_choices(claims)

    def rows(choices):
        out = []
        for kind, label in choices:
            started = rules.rules_for_trigger(kind, claims)
            if started:
                out.append({"kind": kind, "label": label, "rules": started})
        return out

    return {"ours": rows(ours), "others": rows(others)}


# ---------------------------------------------------------------------------
# One deadline


def _deadline_for(request, number, pk, *, edit=True):
    case = _editable_case(request, number) if edit else get_case_for(request.user, number)
    deadline = get_object_or_404(Deadline.objects.select_related("milestone"), pk=pk, case=case)
    return case, deadline


def _close_form(deadline, data=None):
    return CloseDeadlineForm(data, deadline=deadline, today=timezone.localdate())


def _render_deadline(request, case, deadline, **forms):
    rule = rules.RULES.get(deadline.rule)
    context = {
        "case": case,
        "deadline": deadline,
        "rule": rule,
        "today": timezone.localdate(),
        "days_left": (deadline.due_date - timezone.localdate()).days,
        "safe_date": deadline.safe_date if deadline.binds == Deadline.Binds.WORKER else None,
        "can_edit": may_edit_deadlines(case, request.user),
        "is_limitation": deadline.rule in rules.LIMITATION_RULES,
        "interruptible": deadline.rule in rules.INTERRUPTIBLE_RULES,
        "close_form": forms.get("close_form") or _close_form(deadline),
        "limitation_form": forms.get("limitation_form")
        or LimitationForm(interruptible=deadline.rule in rules.INTERRUPTIBLE_RULES),
        "extend_form": forms.get("extend_form") or ExtendForm(),
        "events": case.events.filter(kind="deadline", data__deadline=deadline.pk)
        if deadline.pk
        else [],
    }
    return render(
        request, "cases/milestone_deadline.html", context, status=forms.get("status", 200)
    )


@login_required
def deadline_detail(request, number, pk):
    case, deadline = _deadline_for(request, number, pk, edit=False)
    return _render_deadline(request, case, deadline)


@login_required
@require_POST
def deadline_close(request, number, pk):
    case, deadline = _deadline_for(request, number, pk)
    form = _close_form(deadline, request.POST)
    if not form.is_valid():
        return _render_deadline(request, case, deadline, close_form=form)
    try:
        bookkeeping.close_deadline(
            deadline,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
            user=request.user,
        )
    except bookkeeping.DeadlineClosed as exc:
        messages.warning(request, str(exc))
    else:
        messages.success(request, _("期限已更新。"))
    return redirect(case.get_absolute_url() + "#deadlines-panel")


@login_required
@require_POST
def deadline_limitation(request, number, pk):
    case, deadline = _deadline_for(request, number, pk)
    if deadline.rule not in rules.LIMITATION_RULES:
        raise Http404
    form = LimitationForm(request.POST, interruptible=deadline.rule in rules.INTERRUPTIBLE_RULES)
    if form.is_valid():
        action = {
            "interrupt": lambda d, day, r: bookkeeping.interrupt_deadline(
                d, on=day, user=request.user, reason=r
            ),
            "suspend": lambda d, day, r: bookkeeping.suspend_deadline(
                d, since=day, user=request.user, reason=r
            ),
            "resume": lambda d, day, r: bookkeeping.resume_deadline(
                d, on=day, user=request.user, reason=r
            ),
        }[form.cleaned_data["action"]]
        try:
            action(deadline, form.cleaned_data["date"], form.cleaned_data["reason"])
        except bookkeeping.DeadlineClosed as exc:
            messages.warning(request, str(exc))
            return redirect(case.get_absolute_url() + "#deadlines-panel")
        except ValueError as exc:
            form.add_error("date", str(exc))
        else:
            messages.success(request, _("时效事件已记录，届满日已重新计算。"))
            return redirect(case.get_absolute_url() + "#deadlines-panel")
    return _render_deadline(request, case, deadline, limitation_form=form)


@login_required
@require_POST
def deadline_extend(request, number, pk):
    case, deadline = _deadline_for(request, number, pk)
    rule = rules.RULES.get(deadline.rule)
    if not rule or not rule.extension or deadline.extended:
        raise Http404
    form = ExtendForm(request.POST)
    if not form.is_valid():
        return _render_deadline(request, case, deadline, extend_form=form)
    try:
        bookkeeping.extend_deadline(deadline, user=request.user, reason=form.cleaned_data["reason"])
    except bookkeeping.DeadlineClosed as exc:
        messages.warning(request, str(exc))
    else:
        messages.success(request, _("已按法定期限延长。"))
    return redirect(case.get_absolute_url() + "#deadlines-panel")


# ---------------------------------------------------------------------------
# The coordinator's deadline board


@login_required
def deadline_board(request):
    require(is_coordinator, request.user)
    today = timezone.localdate()
    deadlines = (
        Deadline.objects.filter(
            status=Deadline.Status.OPEN,
            due_date__lte=today + datetime.timedelta(days=BOARD_DAYS_AHEAD),
            suspended_since__isnull=True,
        )
        .select_related("case__worker", "case__lawyer")
        .order_by("due_date", "pk")
    )
    deadlines = deadlines.filter(coordinated_cases(request.user, "case__region_code"))
    binds = request.GET.get("binds", "")
    if binds in Deadline.Binds.values:
        deadlines = deadlines.filter(binds=binds)
    q = request.GET.get("q", "").strip()[:50]
    if q:
        deadlines = deadlines.filter(
            Q(case__number__icontains=q) | Q(case__worker__name__icontains=q)
        )
    page = Paginator(deadlines, BOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [_row(d, today) for d in page]
    return render(
        request,
        "cases/deadline_board.html",
        {
            "page": page,
            "rows": rows,
            "q": q,
            "binds": binds,
            "today": today,
            "binds_choices": Deadline.Binds.choices,
            "days_ahead": BOARD_DAYS_AHEAD,
        },
    )


def _row(deadline, today):
    rule = rules.RULES.get(deadline.rule)
    safe = deadline.safe_date if deadline.binds == Deadline.Binds.WORKER else None
    return {
        "deadline": deadline,
        "label": rule.label if rule else deadline.rule,
        "days_left": (deadline.due_date - today).days,
        "safe_date": safe,
        "safe_days_left": (safe - today).days if safe else None,
    }


# ---------------------------------------------------------------------------
# The lawyer's calendar feed


@login_required
def calendar_settings(request):
    lawyer = lawyer_of(request.user)
    if lawyer is None:
        raise Http404
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            lawyer.calendar_token = ""
            messages.success(request, _("日历订阅地址已停用，旧地址不再可用。"))
        else:
            lawyer.calendar_token = secrets.token_urlsafe(32)
            messages.success(request, _("已生成新的日历订阅地址；旧地址（如有）已停用。"))
        lawyer.save(update_fields=["calendar_token"])
        return redirect("cases:calendar_settings")
    feed_url = (
        request.build_absolute_uri(redirect("cases:calendar_feed", token=lawyer.calendar_token).url)
        if lawyer.calendar_token
        else ""
    )
    return render(
        request, "cases/milestone_calendar.html", {"lawyer": lawyer, "feed_url": feed_url}
    )


def calendar_feed(request, token):
    """No login (calendar apps cannot log in): the unguessable token is the key."""
    if len(token) < 20:
        raise Http404
    lawyer = get_object_or_404(Lawyer, calendar_token=token)
    body = ics.build_for_lawyer(lawyer)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
