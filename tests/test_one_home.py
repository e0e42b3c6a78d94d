"""The rules the structure makes true: one write path for state, domain functions that
refuse archived cases themselves, audited admin writes, one source per legal grouping
and wording, and imports at the top of files."""

import ast
import datetime
from pathlib import Path

import pytest
from django.contrib import admin
from django.urls import reverse

from cases import attachments, claims, events, evidence, workflow
from cases.deadlines import bookkeeping, rules
from cases.documents import fill
from cases.documents import generate as documents
from cases.forms import AcceptForAidForm
from cases.models import Assignment, Case, CaseEvent, Deadline, Milestone, Worker
from cases.permissions import CaseArchived
from cases.routing import offers
from lawyers.models import ClaimType
from tests.helpers import login, make_case, make_lawyer, png_upload

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------------------
# One write path for state


def test_nothing_but_the_workflow_writes_the_state_field():
    """No `state=` in an update, a create or an assignment outside the state machine:
    the field is protected on instances, and querysets are checked here."""
    offenders = []
    for path in (ROOT / "cases").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in (
                "update",
                "bulk_update",
                "update_or_create",
            ):
                if any(k.arg == "state" for k in node.keywords):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if (
                        isinstance(target, ast.Attribute)
                        and target.attr == "state"
                        and getattr(target.value, "id", "") != "self"
                    ):
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


@pytest.mark.django_db
def test_the_state_cannot_be_set_on_a_case():
    case = make_case()
    with pytest.raises(AttributeError):
        case.state = Case.State.CLOSED


@pytest.mark.django_db
def test_assign_through_the_one_write_path_records_the_offer_and_checks_capacity(world):
    bj = world.beijing
    lawyer = make_lawyer(capacity=1, regions=["1101"])
    first = make_case(bj.station, bj.volunteer, state=Case.State.ACCEPTED)
    workflow.apply_transition(first, "assign", bj.coordinator, lawyer=lawyer)
    offer = Assignment.objects.get(case=first)
    assert (offer.lawyer, offer.status, offer.assigned_by) == (lawyer, "pending", bj.coordinator)
    second = make_case(bj.station, bj.volunteer, state=Case.State.ACCEPTED)
    with pytest.raises(offers.AssignmentRefused, match="已满"):
        workflow.apply_transition(second, "assign", bj.coordinator, lawyer=lawyer)
    second.refresh_from_db()
    assert second.state == Case.State.ACCEPTED and not second.assignments.exists()


@pytest.mark.django_db
def test_make_case_in_progress_leaves_the_same_trace_as_the_pages(world):
    case = make_case(
        world.beijing.station, state=Case.State.IN_PROGRESS, lawyer=world.beijing.lawyer
    )
    assert list(case.assignments.values_list("lawyer", "status")) == [
        (world.beijing.lawyer.pk, "accepted")
    ]
    assert case.deadlines.get(rule="sla.lawyer_accept").status == "done"


def test_only_the_deadline_bookkeeping_closes_the_acceptance_window():
    writers = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "cases").rglob("*.py")
        if "sla.lawyer_accept" in path.read_text(encoding="utf-8")
        and "migrations" not in path.parts
    ]
    # The rule table declares it; the model's status query reads it; bookkeeping opens
    # and closes it. Nothing else names it.
    assert sorted(writers) == ["cases/deadlines/bookkeeping.py", "cases/deadlines/rules.py"]


@pytest.mark.django_db
def test_every_transition_in_the_state_machine_is_in_the_table():
    names = {t.name for t in Case._meta.get_field("state").get_all_transitions(Case)}
    assert names == set(workflow.TRANSITIONS)


# ---------------------------------------------------------------------------
# Archived cases are read-only in the domain, not only in the views


@pytest.fixture
def archived(world):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, state=Case.State.CLOSED, lawyer=bj.lawyer)
    assert case.is_archived
    return case


@pytest.mark.django_db
def test_a_milestone_cannot_be_recorded_or_changed_on_an_archived_case(archived, world):
    milestone = archived.milestones.get()
    with pytest.raises(CaseArchived):
        bookkeeping.record_milestone(
            archived, Milestone.Kind.INJURY_FILED, datetime.date(2026, 11, 20), world.admin
        )
    with pytest.raises(CaseArchived):
        bookkeeping.update_milestone(
            milestone, date=datetime.date(2026, 11, 1), note="", user=world.admin
        )


@pytest.mark.django_db
def test_deadlines_of_an_archived_case_cannot_be_changed(archived, world):
    deadline = archived.deadlines.filter(rule="injury.worker_application").get()
    # Closing waived it; even a row put back to open by hand stays untouchable.
    Deadline.objects.filter(pk=deadline.pk).update(status=Deadline.Status.OPEN)
    for change in (
        lambda: bookkeeping.close_deadline(deadline, status="done", reason="x", user=world.admin),
        lambda: bookkeeping.suspend_deadline(
            deadline, since=datetime.date(2026, 11, 10), user=world.admin
        ),
    ):
        with pytest.raises(CaseArchived):
            change()


@pytest.mark.django_db
def test_no_attachment_or_evidence_change_on_an_archived_case(archived, world):
    upload = png_upload()
    with pytest.raises(CaseArchived):
        attachments.save_attachment(archived, upload, world.admin)
    with pytest.raises(CaseArchived):
        evidence.record(archived, world.admin, ["medical_records"])
    assert not archived.attachments.exists()


@pytest.mark.django_db
def test_no_document_is_generated_for_an_archived_case(archived, world):
    with pytest.raises(documents.DocumentRefused, match="已归档"):
        documents.generate(archived, "receipt", world.admin)


# ---------------------------------------------------------------------------
# The admin: read-only, or through the domain functions, audited


@pytest.mark.django_db
def test_milestones_are_read_only_in_the_admin(admin_client, world):
    case = make_case(world.beijing.station)
    milestone = case.milestones.get()
    url = reverse("admin:cases_milestone_change", args=[milestone.pk])
    admin_client.post(url, {"case": case.pk, "kind": "accident", "date": "2020-01-01"})
    milestone.refresh_from_db()
    assert milestone.date == datetime.date(2026, 11, 2)
    assert not admin.site._registry[Milestone].has_delete_permission(None)


@pytest.mark.django_db
def test_correcting_a_worker_in_the_admin_is_recorded_on_their_cases(admin_client, world):
    case = make_case(world.beijing.station)
    worker = case.worker
    url = reverse("admin:cases_worker_change", args=[worker.pk])
    response = admin_client.post(
        url,
        {
            "name": "王晓明",
            "phone": str(worker.phone),
            "platform": "eleme",
            "arrangement": worker.arrangement,
        },
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert (worker.name, worker.platform) == ("王晓明", "eleme")
    event = case.events.get(kind=CaseEvent.Kind.WORKER)
    assert sorted(event.data["fields"]) == ["name", "platform"]
    assert event.data["source"] == "admin" and event.actor.is_superuser


@pytest.mark.django_db
def test_intake_changing_a_known_workers_details_is_recorded(world):
    bj = world.beijing
    first = make_case(bj.station, bj.volunteer, worker={"phone": "+8613800138011"})
    again = make_case(
        bj.station,
        bj.volunteer,
        worker={"phone": "+8613800138011", "platform": Worker.Platform.SF},
    )
    assert again.worker == first.worker and again.worker.platform == Worker.Platform.SF
    for case in (first, again):
        event = case.events.get(kind=CaseEvent.Kind.WORKER)
        assert event.data == {"fields": ["platform"], "source": "intake"}
        assert event.actor == bj.volunteer


# ---------------------------------------------------------------------------
# One source for each legal grouping and each wording


@pytest.mark.django_db
@pytest.mark.parametrize("claim", [c for c, _label in ClaimType.choices if c != "consult"])
def test_the_legal_aid_form_and_intake_agree_on_the_42_3_exemption(world, claim):
    case = make_case(world.beijing.station, claims=[claim])
    form = AcceptForAidForm(case=case)
    preselected = form.initial.get("eligibility") == Case.Eligibility.EXEMPT_42_3
    ticked = fill.build_context(case, "legalaid_application")["exempt_42_3"]
    assert preselected == ticked == claims.exempt_42_3([claim])


@pytest.mark.django_db
def test_transition_forms_show_the_models_refusal(client, world):
    case = make_case(world.beijing.station, claims=["injury"])
    login(client, world.beijing.coordinator)
    response = client.post(
        reverse("cases:transition", args=[case.number, "resolve_at_intake"]),
        {"resolve_at_intake-expected_state": "received", "resolve_at_intake-advice": "答复"},
    )
    assert response.status_code == 400
    assert case.refusal("resolve_at_intake") in response.content.decode()


def test_every_rule_the_worker_must_meet_says_what_to_do_in_their_words():
    missing = [
        code
        for code, rule in rules.RULES.items()
        if rule.binds == rules.WORKER and not rule.worker_action
    ]
    assert missing == []


def test_every_event_kind_is_declared():
    undeclared = set(CaseEvent.Kind.values) - set(events.KINDS)
    assert undeclared == set()


@pytest.mark.django_db
def test_an_undeclared_event_data_key_is_refused(world):
    case = make_case(world.beijing.station)
    with pytest.raises(ValueError):
        events.record(case, CaseEvent.Kind.NOTE, actor=world.admin, whatever=1)


# ---------------------------------------------------------------------------
# Imports at the top of files

# The deliberate exceptions, each with its reason in a comment on the line.
ALLOWED_LATE_IMPORTS = {
    ("cases/apps.py", "checks"),
    ("cases/apps.py", "submission"),  # declares the self-help event kind at start-up
    ("cases/permissions.py", "Case"),
    ("stations/apps.py", "taskworker"),  # django_q.cluster needs the app registry ready
    ("accounts/apps.py", "checks"),
    ("config/admin.py", "security"),  # imported while the app registry loads
    ("config/settings.py", "Config"),  # botocore, only when S3_BUCKET is set
}


def test_imports_are_at_the_top_of_files_except_the_deliberate_ones():
    late = []
    for package in ("cases", "lawyers", "stations", "accounts", "config"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        name = inner.names[0].name
                        key = (str(path.relative_to(ROOT)), name)
                        if key not in ALLOWED_LATE_IMPORTS:
                            late.append(f"{key[0]}:{inner.lineno} {name}")
    assert late == [], "\n".join(late)
