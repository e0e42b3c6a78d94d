"""The reminder sweep: thresholds, recipients, channels, exactly once, and the digest."""

import datetime
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, connections

from cases.deadlines import bookkeeping as schedule
from cases.deadlines import reminders
from cases.models import Case, Deadline, Notification, Reminder, SmsMessage
from cases.tasks import SCHEDULES
from tests.helpers import make_case, make_coordinator, make_union

D = datetime.date
TODAY = D(2026, 11, 28)
NOON = datetime.datetime(2026, 11, 28, 4, 0, tzinfo=datetime.UTC)

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def case_with_award(world):
    """An in-progress Beijing case whose 15-day suit deadline falls on Wed 2026-12-02."""
    world.beijing.lawyer.email = "lawyer@example.com"
    world.beijing.lawyer.save()
    world.beijing.coordinator.email = "coord@example.com"
    world.beijing.coordinator.save()
    case = make_case(
        world.beijing.station,
        state=Case.State.IN_PROGRESS,
        lawyer=world.beijing.lawyer,
        claims=["wage"],
    )
    schedule.record_milestone(case, "award_received", D(2026, 11, 17), world.admin)
    return case


def reminder_notes():
    """In-app notifications sent by the sweep (others come from other features)."""
    return Notification.objects.filter(dedupe_key__startswith="reminder:")


def suit(case):
    return case.deadlines.get(rule="labor.suit_after_award")


@pytest.mark.parametrize(
    "days, expected",
    [
        (8, None),
        (7, "d7"),
        (4, "d7"),
        (3, "d3"),
        (2, "d3"),
        (1, "d1"),
        (0, "d0"),
        (-1, "overdue"),
        (-30, "overdue"),
    ],
)
def test_thresholds_by_days_left(days, expected):
    assert reminders.threshold_for(days) == expected


def test_the_sweep_tells_the_lawyer_three_ways_and_the_coordinator_in_app(case_with_award, world):
    deadline = suit(case_with_award)
    assert deadline.due_date == D(2026, 12, 2)
    counts = reminders.sweep(TODAY)  # 4 days left: the 7-day reminder
    assert counts == {"in_app": 2, "email": 1, "sms": 1}
    lawyer_note = reminder_notes().get(user=world.beijing.lawyer.user)
    assert "2026-12-02" in lawyer_note.message and "还剩 4 天" in lawyer_note.message
    assert lawyer_note.translations["zh-hans"] == lawyer_note.message
    assert (
        "2026-12-02" in lawyer_note.translations["en"]
        and "还剩" not in lawyer_note.translations["en"]
    )
    assert reminder_notes().filter(user=world.beijing.coordinator).count() == 1
    assert not reminder_notes().filter(user=world.kunming.coordinator).exists()
    sms = SmsMessage.objects.get(template="deadline_reminder")
    assert case_with_award.number in sms.body
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lawyer@example.com"]
    assert "《劳动争议调解仲裁法》" in mail.outbox[0].body
    assert set(Reminder.objects.values_list("threshold", flat=True)) == {"d7"}


def test_running_the_sweep_again_sends_nothing_more(case_with_award):
    reminders.sweep(TODAY)
    assert reminders.sweep(TODAY) == {}
    assert Reminder.objects.count() == 4 and len(mail.outbox) == 1
    assert SmsMessage.objects.count() == 1


def test_each_threshold_is_sent_once_as_the_days_pass(case_with_award, world):
    for day in range(28, 34):  # 11-28 … 12-03
        reminders.sweep(D(2026, 11, 28) + datetime.timedelta(days=day - 28))
        reminders.sweep(D(2026, 11, 28) + datetime.timedelta(days=day - 28))
    sent = sorted(Reminder.objects.filter(channel="sms").values_list("threshold", flat=True))
    # 4 days left (d7), 11-29: 3 (d3), 11-30: 2 (d3 again: no), 12-01 d1, 12-02 d0, 12-03 overdue.
    assert sent == sorted(["d7", "d3", "d1", "d0", "overdue"])
    assert reminder_notes().filter(user=world.beijing.lawyer.user).count() == 5


def test_done_waived_suspended_and_agency_deadlines_get_no_reminders(case_with_award, world):
    deadline = suit(case_with_award)
    schedule.close_deadline(deadline, status="done", reason="已起诉", user=world.admin)
    # The agency-side arbitration deadline due soon is not the worker's to act on.
    schedule.record_milestone(case_with_award, "arbitration_filed", D(2026, 11, 25), world.admin)
    assert reminders.sweep(TODAY) == {}


def test_a_withdrawn_case_gets_no_reminders(case_with_award, world):
    from cases.workflow import apply_transition

    apply_transition(case_with_award, "withdraw", world.admin, reason="已和解")
    assert reminders.sweep(TODAY) == {}


def test_a_province_coordinator_also_hears_about_the_district(case_with_award):
    province = make_coordinator(make_union(region_code="110000", name="北京市总工会"))
    reminders.sweep(TODAY)
    assert reminder_notes().filter(user=province).count() == 1


def test_the_sweep_reads_only_due_deadlines_with_few_queries(
    case_with_award, world, django_assert_max_num_queries
):
    world.beijing.lawyer.capacity = 30  # every case below is theirs
    world.beijing.lawyer.save()
    for _i in range(5):
        other = make_case(
            world.beijing.station,
            state=Case.State.IN_PROGRESS,
            lawyer=world.beijing.lawyer,
            claims=["wage"],
        )
        schedule.record_milestone(other, "award_received", D(2026, 11, 16), world.admin)
    # Far-off deadlines are not read at all: twenty of them add no query.
    for _i in range(20):
        far = make_case(
            world.beijing.station,
            state=Case.State.IN_PROGRESS,
            lawyer=world.beijing.lawyer,
            claims=["wage"],
        )
        schedule.record_milestone(far, "award_received", D(2026, 11, 27), world.admin)
    with django_assert_max_num_queries(30):
        counts = reminders.sweep(TODAY)
    assert counts["sms"] == 6


def test_a_failed_email_is_retried_on_the_next_sweep_and_nothing_else_repeats(
    case_with_award, settings
):
    settings.EMAIL_BACKEND = "tests.test_reminders.FailingBackend"
    counts = reminders.sweep(TODAY)
    assert counts.get("email", 0) == 0 and counts["sms"] == 1
    assert not Reminder.objects.filter(channel="email").exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reminders.sweep(TODAY) == {"email": 1}
    assert len(mail.outbox) == 1


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


def test_a_sweep_that_dies_mid_chunk_loses_nothing_and_duplicates_nothing(
    case_with_award, monkeypatch
):
    """The claim and the in-app/SMS rows share a transaction: a crash rolls all back."""
    real = reminders._send_emails

    def crash(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(reminders, "_send_emails", crash)
    with pytest.raises(SystemExit):
        reminders.sweep(TODAY)
    assert Reminder.objects.count() == 0 and reminder_notes().count() == 0
    assert SmsMessage.objects.count() == 0
    monkeypatch.setattr(reminders, "_send_emails", real)
    assert reminders.sweep(TODAY) == {"in_app": 2, "email": 1, "sms": 1}
    assert Reminder.objects.count() == 4 and SmsMessage.objects.count() == 1


def in_progress_with_award(world, awarded_on, region="beijing"):
    place = getattr(world, region)
    case = make_case(
        place.station, state=Case.State.IN_PROGRESS, lawyer=place.lawyer, claims=["wage"]
    )
    schedule.record_milestone(case, "award_received", awarded_on, world.admin)
    return case


def digest_notes():
    return Notification.objects.filter(dedupe_key__startswith="digest:")


def test_the_coordinators_digest_goes_once_a_day(case_with_award, world):
    assert reminders.send_digest(TODAY) == 1
    digest = mail.outbox[-1]
    assert digest.to == ["coord@example.com"] and case_with_award.number in digest.body
    assert reminders.send_digest(TODAY) == 0
    # The next day: the day's overview again, though no threshold was crossed.
    assert reminders.send_digest(D(2026, 11, 29)) == 1
    assert len(mail.outbox) == 2
    assert digest_notes().filter(user=world.beijing.coordinator).count() == 2


def test_the_digest_is_an_overview_of_the_region_overdue_due_today_and_this_week(
    case_with_award, world
):
    monday = D(2026, 11, 30)
    overdue = in_progress_with_award(world, D(2026, 10, 1))  # due Fri 10-16: long overdue
    today = in_progress_with_award(world, D(2026, 11, 15))  # due Mon 11-30
    later = in_progress_with_award(world, D(2026, 11, 25))  # due Thu 12-10: beyond the week
    elsewhere = in_progress_with_award(world, D(2026, 11, 15), region="kunming")
    assert reminders.send_digest(monday) == 2  # Beijing's coordinator and Kunming's (no email)
    (digest,) = mail.outbox
    body = digest.body
    assert "逾期 1 项，今天届满 1 项，7 天内届满 1 项" in digest.subject
    assert body.index("已逾期（1）") < body.index(overdue.number) < body.index("今天届满（1）")
    assert body.index(today.number) < body.index(case_with_award.number)
    assert "未来 7 天内届满（1）" in body and "已逾期 45 天" in body
    assert later.number not in body and elsewhere.number not in body
    kunming = digest_notes().get(user=world.kunming.coordinator)
    assert "今天届满 1 项" in kunming.message and kunming.url == "/cases/deadlines/"


def test_coordinators_with_nothing_to_report_get_no_digest(world):
    world.beijing.coordinator.email = "coord@example.com"
    world.beijing.coordinator.save()
    in_progress_with_award(world, D(2026, 11, 25))  # due 12-10: not this week
    assert reminders.send_digest(TODAY) == 0
    assert mail.outbox == [] and not digest_notes().exists()


def test_a_coordinator_without_email_gets_the_digest_in_the_app_only(case_with_award, world):
    world.beijing.coordinator.email = ""
    world.beijing.coordinator.save()
    assert reminders.send_digest(TODAY) == 1
    assert mail.outbox == []
    assert "7 天内届满 1 项" in digest_notes().get(user=world.beijing.coordinator).message


def test_a_digest_already_claimed_by_another_worker_is_not_sent_again(case_with_award, world):
    coordinator = world.beijing.coordinator
    Notification.objects.create(
        user=coordinator, message="x", dedupe_key=reminders.digest_key(coordinator.pk, TODAY)
    )
    assert reminders.send_digest(TODAY) == 0 and mail.outbox == []


def test_a_failed_digest_email_gives_the_day_back_for_a_rerun(case_with_award, world, settings):
    settings.EMAIL_BACKEND = "tests.test_reminders.FailingBackend"
    assert reminders.send_digest(TODAY) == 0
    assert not digest_notes().exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reminders.send_digest(TODAY) == 1 and len(mail.outbox) == 1


def test_the_recurring_jobs_are_declared_in_code_and_set_up_idempotently():
    from django.core.management import call_command
    from django_q.models import Schedule

    names = {s["name"] for s in SCHEDULES}
    assert {
        "yizhan:deadline_reminders",
        "yizhan:recompute_provisional_deadlines",
        "yizhan:deadline_digest",
    } <= names
    call_command("setup_schedules")
    call_command("setup_schedules")
    assert Schedule.objects.filter(name="yizhan:deadline_reminders").count() == 1
    assert Schedule.objects.get(name="yizhan:deadline_reminders").minutes == 15


def test_the_sql_threshold_is_the_same_as_threshold_for(case_with_award):
    deadline = suit(case_with_award)
    for days in range(-9, 10):
        today = deadline.due_date - datetime.timedelta(days=days)
        annotated = (
            Deadline.objects.filter(pk=deadline.pk)
            .annotate(t=reminders.threshold_sql(today))
            .values_list("t", flat=True)
            .get()
        )
        assert annotated == reminders.threshold_for(days), days


def test_a_lawyer_gets_one_email_listing_every_deadline_the_sweep_found(case_with_award, world):
    overdue = in_progress_with_award(world, D(2026, 11, 12))  # due Fri 11-27
    soon = in_progress_with_award(world, D(2026, 11, 15))  # due Mon 11-30
    counts = reminders.sweep(TODAY)
    assert counts == {"in_app": 6, "email": 3, "sms": 3}
    (email,) = mail.outbox
    assert email.to == ["lawyer@example.com"]
    assert "3 个期限需要办理" in email.subject and "2026-11-27" in email.subject
    body = email.body
    # Most urgent first, each under its heading.
    assert body.index("已逾期") < body.index(overdue.number) < body.index("3 天内届满")
    assert body.index(soon.number) < body.index("7 天内届满") < body.index(case_with_award.number)
    assert Reminder.objects.filter(channel="email").count() == 3
    assert SmsMessage.objects.filter(template="deadline_reminder").count() == 3


def test_a_failed_email_gives_back_every_reminder_it_listed(case_with_award, world, settings):
    in_progress_with_award(world, D(2026, 11, 15))
    settings.EMAIL_BACKEND = "tests.test_reminders.FailingBackend"
    assert reminders.sweep(TODAY) == {"in_app": 4, "sms": 2}
    assert not Reminder.objects.filter(channel="email").exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reminders.sweep(TODAY) == {"email": 2}
    assert len(mail.outbox) == 1 and SmsMessage.objects.count() == 2


def test_a_second_sweep_reads_nothing_it_already_sent(
    case_with_award, world, django_assert_num_queries
):
    in_progress_with_award(world, D(2026, 11, 15))
    reminders.sweep(TODAY)
    assert not reminders.unsent_deadlines(TODAY).exists()
    with django_assert_num_queries(1):
        assert reminders.sweep(TODAY) == {}


def test_a_newly_assigned_lawyer_hears_of_a_deadline_already_reminded(case_with_award, world):
    from tests.helpers import make_lawyer, reassign

    reminders.sweep(TODAY)
    other = make_lawyer(regions=["110105"], email="other@example.com")
    reassign(case_with_award, other, world.beijing.coordinator, reason="原律师出差")
    assert reminders.sweep(TODAY) == {"in_app": 1, "email": 1, "sms": 1}
    assert mail.outbox[-1].to == ["other@example.com"]
    assert reminder_notes().filter(user=other.user).count() == 1
    # The coordinator heard of this threshold already.
    assert reminder_notes().filter(user=world.beijing.coordinator).count() == 1


def test_a_pilot_deadline_reminder_says_it_is_not_settled_law(world):
    world.beijing.lawyer.email = "lawyer@example.com"
    world.beijing.lawyer.specialties.append("occupational")
    world.beijing.lawyer.save()
    case = make_case(
        world.beijing.station,
        state=Case.State.IN_PROGRESS,
        lawyer=world.beijing.lawyer,
        claims=["occupational"],
        incident_date=D(2026, 11, 2),
    )
    assert case.deadlines.get(rule="occupational.application").due_date == D(2026, 12, 2)
    assert reminders.sweep(TODAY)["email"] == 1
    assert "试点政策期限，以当地规定为准" in mail.outbox[0].body
    assert (
        "试点政策期限，以当地规定为准"
        in reminder_notes().get(user=world.beijing.lawyer.user).message
    )


@time_machine.travel(NOON, tick=False)
def test_the_task_entry_point_uses_today(case_with_award):
    from cases.tasks import deadline_reminder_sweep

    assert deadline_reminder_sweep()["sms"] == 1


# --- concurrency ---------------------------------------------------------------------------


@pytest.mark.db_sensitive
@pytest.mark.django_db(transaction=True)
def test_threads_sweeping_at_once_send_each_reminder_once(world):
    """Four threads, each with its own database connection, sweep the same due deadlines.
    Locally on SQLite: SQLITE_TEST_NAME=/tmp/yizhan-deadlines.sqlite3."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "in-memory SQLite shares one cache between threads and fails on lock "
            "instead of waiting; set SQLITE_TEST_NAME or use PostgreSQL"
        )
    lawyer = world.beijing.lawyer
    cases = []
    for _i in range(6):
        case = make_case(
            world.beijing.station, state=Case.State.IN_PROGRESS, lawyer=lawyer, claims=["wage"]
        )
        schedule.record_milestone(case, "award_received", D(2026, 11, 17), world.admin)
        cases.append(case)
    barrier = threading.Barrier(4)
    errors = []

    def work():
        try:
            barrier.wait()
            reminders.sweep(TODAY)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert Reminder.objects.filter(channel="sms").count() == 6
    assert SmsMessage.objects.filter(template="deadline_reminder").count() == 6
    assert reminder_notes().filter(user=lawyer.user).count() == 6
    assert reminder_notes().filter(user=world.beijing.coordinator).count() == 6


@pytest.mark.taskqueue
@pytest.mark.db_sensitive
@pytest.mark.django_db(transaction=True)
def test_two_django_q_clusters_sweeping_at_once_send_each_reminder_once(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database shared across processes: runs on PostgreSQL in .ci/run")
    from cases.models import Milestone

    lawyer = world.beijing.lawyer
    cases = [
        make_case(
            world.beijing.station, state=Case.State.IN_PROGRESS, lawyer=lawyer, claims=["wage"]
        )
        for _i in range(4)
    ]
    n = 2000  # four chunks of 500: room to kill a cluster between two commits
    milestones = Milestone.objects.bulk_create(
        Milestone(case=cases[i % 4], kind="award_received", date=D(2026, 11, 17)) for i in range(n)
    )
    Deadline.objects.bulk_create(
        Deadline(
            case=m.case,
            milestone=m,
            rule="labor.suit_after_award",
            trigger_date=m.date,
            due_date=D(2026, 12, 2),
            binds="worker",
            citation="第四十八条",
        )
        for m in milestones
    )
    expected = n * 3  # lawyer in-app + lawyer SMS + coordinator in-app

    # 1. One cluster starts the sweep and is killed (SIGKILL, whole process group) mid-way.
    victim = _start_cluster()
    _enqueue_sweeps(1)
    try:
        _wait_for(lambda: Reminder.objects.exists(), "the first cluster to start sending")
    finally:
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait(30)
    at_kill = Reminder.objects.count()

    # 2. Two clusters at once, four sweeps between them.
    clusters = [_start_cluster(), _start_cluster()]
    try:
        _enqueue_sweeps(4)
        _wait_for(
            lambda: Reminder.objects.count() == expected and _sweeps_done() >= 4,
            "two clusters to finish the sweeps",
            timeout=240,
        )
    finally:
        for proc in clusters:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(30)
    print(f"reminders claimed when the first cluster was killed: {at_kill} of {expected}")
    assert at_kill <= expected
    assert Reminder.objects.count() == expected
    assert SmsMessage.objects.filter(template="deadline_reminder").count() == n
    assert reminder_notes().filter(user=lawyer.user).count() == n
    assert reminder_notes().filter(user=world.beijing.coordinator).count() == n


def _cluster_env():
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        Q_SYNC="0",
        Q_CLUSTER_NAME="yizhan_deadline_test",
        Q_WORKERS="2",
        Q_SAVE_LIMIT="1000",  # the test counts finished sweeps from their saved results
        LOG_LEVEL="WARNING",
    )
    return env


def _start_cluster():
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=_cluster_env(),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _enqueue_sweeps(count):
    code = (
        "import datetime\nfrom django_q.tasks import async_task\n"
        f"for _ in range({count}):\n"
        "    async_task('cases.deadlines.reminders.sweep', datetime.date(2026, 11, 28), group='sweep')"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=_cluster_env(),
        check=True,
        timeout=60,
    )


def _sweeps_done():
    from django_q.models import Task

    return Task.objects.filter(group="sweep", success=True).count()


def _wait_for(condition, what, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)  # polling another process, not waiting for time to pass
    raise AssertionError(f"timed out waiting for {what}")
