"""Retention (cases/privacy/retention.py): archived cases lose their personal data
CASE_RETENTION_DAYS after archiving (three years by default), by a scheduled job with
a dry run first; the statistics stay."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from cases import attachments, events
from cases.models import (
    Attachment,
    Case,
    CaseEvent,
    Document,
    Particulars,
    Party,
    SmsMessage,
    Worker,
)
from cases.privacy import retention
from cases.tasks import SCHEDULES, apply_retention
from tests.helpers import advance, make_case, png_upload

CLOSED_ON = datetime.datetime(2026, 3, 1, 10, 0, tzinfo=datetime.UTC)
THREE_YEARS_ON = CLOSED_ON + datetime.timedelta(days=3 * 365 + 1)
STATISTICS = [
    "number",
    "station_id",
    "region_code",
    "claims",
    "incident_date",
    "amount_claimed",
    "amount_recovered",
    "outcome",
    "outcome_date",
    "eligibility",
    "state",
    "lawyer_id",
    "created_at",
    "accepted_at",
    "resolved_at",
    "closed_at",
]


@pytest.fixture
def closed(world):
    """A case closed on CLOSED_ON, with an uploaded file, a note and a person as party."""
    with time_machine.travel(CLOSED_ON - datetime.timedelta(days=30), tick=False):
        case = make_case(
            world.beijing.station,
            worker={
                "name": "马建军",
                "phone": "13912345678",
                "id_number": "11010519491231002X",
                "domicile": "北京市朝阳区某小区 3 号楼",
            },
            parties=[
                {
                    "kind": "other_driver",
                    "name": "出租车司机张某",
                    "contact": "13700000000",
                    "address": "北京市东城区某胡同",
                },
                {"kind": "platform", "name": "某外卖平台", "credit_code": "91110000MA01ABCD1X"},
            ],
        )
        attachments.save_attachment(case, png_upload("事故照片.png"), world.beijing.volunteer)
        events.record(case, CaseEvent.Kind.NOTE, actor=world.beijing.volunteer, note="马某家住朝阳")
        Particulars.objects.create(case=case, injured_parts="右足骨折", accident_place="望京西路")
    with time_machine.travel(CLOSED_ON, tick=False):
        advance(case, Case.State.CLOSED)
    case.refresh_from_db()
    return case


def snapshot():
    return {
        "cases": list(Case.objects.order_by("pk").values()),
        "workers": list(Worker.objects.order_by("pk").values()),
        "attachments": Attachment.objects.count(),
        "documents": Document.objects.count(),
        "notes": list(CaseEvent.objects.values_list("note", flat=True)),
        "sms": SmsMessage.objects.count(),
    }


@pytest.mark.django_db
def test_nothing_is_due_before_three_years(closed):
    with time_machine.travel(THREE_YEARS_ON - datetime.timedelta(days=2), tick=False):
        assert retention.report()["cases"] == []


@pytest.mark.django_db
def test_the_dry_run_reports_and_changes_nothing(closed, capsys, private_files):
    before = snapshot()
    files = sorted(p for p in private_files.rglob("*") if p.is_file())
    with time_machine.travel(THREE_YEARS_ON, tick=False):
        report = retention.report()
        call_command("retention")
    assert report["cases"] == [closed.number]
    # Two closing reports: the one closing needed, and the final one archiving stored.
    assert (report["workers"], report["attachments"], report["documents"]) == (1, 1, 2)
    assert report["bytes"] > 0 and report["retention_days"] == 3 * 365
    out = capsys.readouterr().out
    assert "Would anonymise (dry run; --apply to do it): 1 case(s)" in out and closed.number in out
    assert snapshot() == before
    assert sorted(p for p in private_files.rglob("*") if p.is_file()) == files


@pytest.mark.django_db
def test_the_run_removes_personal_data_and_files_and_keeps_the_statistics(
    closed, private_files, django_capture_on_commit_callbacks
):
    statistics = Case.objects.values(*STATISTICS).get(pk=closed.pk)
    counts = (Case.objects.count(), Worker.objects.count(), Party.objects.count())
    assert any(p.is_file() for p in private_files.rglob("*"))
    with time_machine.travel(THREE_YEARS_ON, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            result = apply_retention()
    assert result["cases"] == [closed.number]
    assert Case.objects.values(*STATISTICS).get(pk=closed.pk) == statistics
    assert (Case.objects.count(), Worker.objects.count(), Party.objects.count()) == counts
    case = Case.objects.get(pk=closed.pk)
    worker = case.worker
    assert case.facts == "" and case.outcome_note == "" and case.access_code_hash == ""
    assert (worker.name, str(worker.phone or ""), worker.id_number, worker.id_number_hash) == (
        "",
        "",
        "",
        "",
    )
    assert worker.platform == "unknown" and worker.anonymised_at is not None
    assert worker.domicile == "" and worker.birth_date is None
    assert not Particulars.objects.filter(case=case).exists()
    parties = {p.kind: (p.name, p.contact, p.credit_code) for p in case.parties.all()}
    assert parties["other_driver"] == ("", "", "")
    assert parties["platform"] == ("某外卖平台", "", "91110000MA01ABCD1X")
    assert not case.attachments.exists() and not case.documents.exists()
    assert not [p for p in private_files.rglob("*") if p.is_file()]
    assert not case.events.exclude(note="").exists()
    assert all(e.data.get("name", "") == "" for e in case.events.all())
    assert "马" not in str(list(case.events.values("note", "data")))
    assert not SmsMessage.objects.filter(phone="+8613912345678").exists()
    assert case.events.filter(kind="privacy", data__reason="retention").count() == 1


@pytest.mark.django_db
def test_running_twice_changes_nothing_more(closed, django_capture_on_commit_callbacks):
    with time_machine.travel(THREE_YEARS_ON, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            retention.apply()
        assert retention.apply()["cases"] == []
    assert CaseEvent.objects.filter(kind="privacy").count() == 1


@pytest.mark.django_db
def test_a_worker_with_a_case_still_kept_keeps_their_details(closed, world):
    with time_machine.travel(THREE_YEARS_ON - datetime.timedelta(days=10), tick=False):
        later = make_case(
            world.beijing.station,
            world.beijing.volunteer,
            worker={"name": "马建军", "phone": "13912345678"},
        )
    # Same person, same station, so intake reused the worker record.
    assert later.worker_id == closed.worker_id
    with time_machine.travel(THREE_YEARS_ON, tick=False):
        retention.apply()
    worker = Worker.objects.get(pk=closed.worker_id)
    assert worker.name == "马建军" and worker.id_number == "11010519491231002X"
    assert Case.objects.get(pk=closed.pk).facts == ""
    assert Case.objects.get(pk=later.pk).facts != ""


@pytest.mark.django_db
def test_a_withdrawn_case_counts_from_its_withdrawal(world):
    with time_machine.travel(CLOSED_ON, tick=False):
        case = make_case(world.beijing.station)
        advance(case, Case.State.WITHDRAWN)
    with time_machine.travel(THREE_YEARS_ON, tick=False):
        assert retention.report()["cases"] == [case.number]


@pytest.mark.django_db
def test_open_cases_are_never_touched_however_old(world):
    with time_machine.travel(CLOSED_ON - datetime.timedelta(days=5 * 365), tick=False):
        make_case(world.beijing.station, state=Case.State.IN_PROGRESS)
    with time_machine.travel(THREE_YEARS_ON, tick=False):
        assert retention.report()["cases"] == []


@pytest.mark.django_db
def test_the_period_is_configurable_and_zero_means_never(closed, settings):
    settings.CASE_RETENTION_DAYS = 30
    with time_machine.travel(CLOSED_ON + datetime.timedelta(days=31), tick=False):
        assert retention.report()["cases"] == [closed.number]
    settings.CASE_RETENTION_DAYS = 0
    with time_machine.travel(timezone.now() + datetime.timedelta(days=9999), tick=False):
        assert retention.report()["cases"] == []


def test_the_job_is_declared_with_the_schedules():
    job = next(s for s in SCHEDULES if s["name"] == "yizhan:retention")
    assert job["func"] == "cases.tasks.apply_retention" and job["schedule_type"] == "D"
