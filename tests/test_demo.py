"""The demo that `make run` loads (`manage.py seed_demo`): lived-in, idempotent, rebuildable."""

import datetime
import os
import re
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from cases.models import (
    Case,
    CaseEvent,
    Deadline,
    Document,
    Milestone,
    Notification,
    Reminder,
    SmsMessage,
)
from lawyers.models import Lawyer
from stations.models import Station

pytestmark = pytest.mark.django_db

REGIONS = ("110105", "530103")


@pytest.fixture(autouse=True)
def a_plain_monday():
    """The demo is dated relative to today; a fixed Monday keeps a long holiday's
    roll-over from moving its "overdue" deadline out of the past on some days of the year."""
    tz = zoneinfo.ZoneInfo("Asia/Shanghai")
    with time_machine.travel(datetime.datetime(2026, 11, 16, 10, 0, tzinfo=tz), tick=True):
        yield


def snapshot() -> dict:
    """Everything a second run could change, compactly."""
    return {
        "counts": {
            model.__name__: model.objects.count()
            for model in (
                Case,
                CaseEvent,
                Deadline,
                Document,
                Milestone,
                Notification,
                Reminder,
                SmsMessage,
                Station,
            )
        },
        "cases": sorted(Case.objects.values_list("pk", "number", "state", "updated_at")),
        "deadlines": sorted(Deadline.objects.values_list("pk", "status", "due_date", "updated_at")),
        "documents": sorted(Document.objects.values_list("pk", "sha256")),
    }


# Seeding renders seven PDFs, so each test seeds once and checks one whole concern.


@pytest.mark.django_db(transaction=True)  # real commits: the outbox fills on_commit
def test_the_demo_is_lived_in_in_both_regions(monkeypatch):
    from django_q.conf import Conf

    # As under `make run`: no Q_SYNC, and no worker has run yet.
    monkeypatch.setattr(Conf, "SYNC", False)
    call_command("seed_demo")
    assert Conf.SYNC is False  # restored after seeding
    today = timezone.localdate()

    for region in REGIONS:
        # every state, in each region
        states = set(Case.objects.filter(region_code=region).values_list("state", flat=True))
        assert states == set(Case.State.values), region
        # deadlines near, overdue and met
        deadlines = Deadline.objects.filter(case__region_code=region)
        open_ = deadlines.filter(status=Deadline.Status.OPEN, case__state__in=Case.OPEN_STATES)
        assert open_.filter(due_date__lt=today).exists(), f"{region}: nothing overdue"
        assert open_.filter(
            due_date__gte=today, due_date__lte=today + datetime.timedelta(days=7)
        ).exists(), f"{region}: nothing due within a week"
        assert deadlines.filter(status=Deadline.Status.DONE).exists(), f"{region}: nothing met"
        assert Document.objects.filter(case__region_code=region, kind="closing_report").exists()
    # The worker-side overdue one is what a newcomer should notice first (in red).
    overdue = Deadline.objects.get(rule="injury.reappraisal_request")
    assert overdue.due_date < today and overdue.binds == Deadline.Binds.WORKER
    near = Deadline.objects.get(rule="admin.reconsideration", case__region_code="530103")
    assert 0 <= (near.due_date - today).days <= 7

    # documents already generated, every kind, real PDFs
    assert set(Document.objects.values_list("kind", flat=True)) == set(Document.Kind.values)
    for document in Document.objects.all():
        with document.file.open("rb") as f:
            assert f.read(5) == b"%PDF-"

    # the outbox, the bells and the reminders
    templates = set(SmsMessage.objects.values_list("template", flat=True))
    assert {
        "case_received",
        "case_accepted",
        "case_referred",
        "lawyer_assigned",
        "lawyer_accepted",
        "case_resolved",
        "case_withdrawn",
        "deadline_reminder",
    } <= templates
    assert not SmsMessage.objects.exclude(status=SmsMessage.Status.SENT).exists()
    for username in ("lawyer", "lawyer2", "coordinator", "coordinator2"):
        assert Notification.objects.filter(user__username=username).exists(), username
    # 吴磊's case: declined by 张明, offered on by the router; the coordinator heard both.
    assert Notification.objects.filter(
        user__username="coordinator", message__contains="律师张明拒绝了案件"
    ).exists()
    assert Reminder.objects.filter(deadline__rule="injury.reappraisal_request").exists()
    # 罗建's case: taken off 赵敏 and given to 李娜; 赵敏 still reads her own note.
    zhao = Lawyer.objects.get(user__username="lawyer4")
    handed_over = Case.objects.handed_over_by(zhao).get()
    assert handed_over.worker.name == "罗建" and handed_over.lawyer.user.username == "lawyer2"
    assert handed_over.events.filter(kind="note", actor=zhao.user).exists()


def test_a_second_run_changes_nothing_and_reset_rebuilds_without_leftovers():
    call_command("seed_demo")
    before = snapshot()
    call_command("seed_demo")
    assert snapshot() == before

    old_files = [d.file.path for d in Document.objects.all()]
    old_case_ids = set(Case.objects.values_list("pk", flat=True))
    call_command("seed_demo", reset=True)
    after = snapshot()
    assert after["counts"] == before["counts"]  # the same demo: no duplicate SMS or bells
    assert not old_case_ids & set(Case.objects.values_list("pk", flat=True))
    # The old cases' PDFs went with them (new cases get new numbers, so new paths).
    assert not any(os.path.exists(path) for path in old_files)
    for region in REGIONS:
        states = set(Case.objects.filter(region_code=region).values_list("state", flat=True))
        assert states == set(Case.State.values), region


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_newcomer_sees_the_demo_lived_in_in_the_browser(new_page, request):
    from cases.management.demo import DEMO_PASSWORD
    from tests.conftest import DESKTOP, PHONE
    from tests.journeys import Steps, documents_row, login

    steps = Steps(request)
    call_command("seed_demo")

    # The Beijing coordinator's deadline board: 马建军's re-appraisal window has passed.
    coordinator = new_page(DESKTOP)
    login(coordinator, "coordinator", DEMO_PASSWORD)
    coordinator.get_by_role("link", name="期限看板").click()
    overdue = coordinator.locator("tr.is-overdue", has_text="马建军").filter(
        has_text="申请再次鉴定"
    )
    assert "已逾期" in overdue.inner_text()
    assert "我方须办理" in overdue.inner_text()
    steps.shot(coordinator, "deadline-board", readme="demo-deadline-board")

    # The Kunming lawyer's queue; 罗建's reconsideration window closes within the week.
    lawyer = new_page(PHONE)
    login(lawyer, "lawyer2", DEMO_PASSWORD)
    lawyer.get_by_role("link", name=re.compile("罗建")).click()
    row = lawyer.locator("#deadlines-panel li[data-rule='admin.reconsideration']")
    assert "我方须办理" in row.inner_text()
    assert "已逾期" not in row.inner_text()
    assert "已处理的期限" in lawyer.locator("#deadlines-panel").inner_text()  # and some met
    # After the 不予认定 decision the case needs a reconsideration, not a second
    # injury application (issue 21): the page says why the latter is not offered.
    assert "v1" in documents_row(lawyer, "行政复议申请书").inner_text()
    assert "已收到工伤认定决定" in documents_row(lawyer, "工伤认定申请表").inner_text()
    steps.shot(lawyer, "lawyer-case")
