"""The recurring jobs: declared in cases.tasks.SCHEDULES, created by `setup_schedules`,
the two daily deadline jobs at a fixed local time of day (django-q2 DAILY schedules
with next_run set; CRON would need croniter, which is not installed)."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from cases.management.commands.setup_schedules import next_daily_run
from cases.tasks import SCHEDULES

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Saturday 2026-11-28, 10:00 in Beijing.
MORNING = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI)


def local(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def setup():
    call_command("setup_schedules", stdout=io.StringIO())


def next_run(name):
    return timezone.localtime(Schedule.objects.get(name=name).next_run)


def test_no_declared_job_needs_cron():
    assert all(spec["schedule_type"] != Schedule.CRON for spec in SCHEDULES)


@time_machine.travel(MORNING, tick=False)
def test_the_daily_jobs_are_created_at_their_next_local_time_of_day():
    setup()
    digest = Schedule.objects.get(name="yizhan:deadline_digest")
    assert digest.schedule_type == Schedule.DAILY
    # Past 08:00 already: tomorrow at 08:00 Beijing time; the recompute at 02:00 before it.
    assert next_run("yizhan:deadline_digest") == local(2026, 11, 29, 8, 0)
    assert next_run("yizhan:recompute_provisional_deadlines") == local(2026, 11, 29, 2, 0)


@time_machine.travel(local(2026, 11, 28, 7, 59), tick=False)
def test_before_eight_the_digest_is_due_the_same_morning():
    setup()
    assert next_run("yizhan:deadline_digest") == local(2026, 11, 28, 8, 0)


def test_next_daily_run_is_strictly_after_now():
    assert next_daily_run("08:00", local(2026, 11, 28, 8, 0)) == local(2026, 11, 29, 8, 0)
    assert next_daily_run("02:00", local(2026, 12, 31, 23, 30)) == local(2027, 1, 1, 2, 0)


def test_running_setup_again_keeps_the_next_run_the_scheduler_has_moved_on():
    with time_machine.travel(MORNING, tick=False):
        setup()
    # The cluster ran the digest twice since: its next run is now 12-01 08:00.
    Schedule.objects.filter(name="yizhan:deadline_digest").update(next_run=local(2026, 12, 1, 8, 0))
    with time_machine.travel(local(2026, 11, 30, 9, 0), tick=False):
        setup()  # a deploy
    assert next_run("yizhan:deadline_digest") == local(2026, 12, 1, 8, 0)
    assert Schedule.objects.filter(name="yizhan:deadline_digest").count() == 1


@time_machine.travel(MORNING, tick=False)
def test_a_job_found_at_another_time_of_day_is_moved_to_the_declared_one():
    # As created before the time of day was declared: daily from whenever setup last ran.
    Schedule.objects.create(
        name="yizhan:deadline_digest",
        func="cases.tasks.deadline_digest",
        schedule_type=Schedule.DAILY,
        next_run=local(2026, 11, 28, 15, 37),
    )
    setup()
    assert next_run("yizhan:deadline_digest") == local(2026, 11, 29, 8, 0)


def test_interval_jobs_keep_their_next_run():
    with time_machine.travel(MORNING, tick=False):
        setup()
    later = local(2026, 11, 28, 10, 15)
    Schedule.objects.filter(name="yizhan:deadline_reminders").update(next_run=later)
    with time_machine.travel(local(2026, 11, 28, 10, 5), tick=False):
        setup()
    sweep = Schedule.objects.get(name="yizhan:deadline_reminders")
    assert (timezone.localtime(sweep.next_run), sweep.minutes) == (later, 15)


@time_machine.travel(MORNING, tick=False)
def test_the_scheduler_keeps_the_time_of_day_from_one_run_to_the_next():
    setup()
    digest = Schedule.objects.get(name="yizhan:deadline_digest")
    # What django-q2's scheduler computes after each run (catch_up is off).
    assert timezone.localtime(digest.calculate_next_run()) == local(2026, 11, 30, 8, 0)


def test_expired_sessions_are_cleared_every_hour(client):
    from django.contrib.sessions.models import Session

    from cases import tasks

    setup()
    assert Schedule.objects.get(name="yizhan:clear_expired_sessions").schedule_type == "H"
    # A worker's unfinished lookup: its phone number waits in a session row that
    # lapses with the code, and the job deletes it then.
    client.post("/status/", {"phone": "13912345678"})
    row = Session.objects.get()
    assert "13912345678" in str(row.get_decoded())
    left = row.expire_date - timezone.now()
    assert datetime.timedelta(minutes=35) < left <= datetime.timedelta(minutes=40)
    tasks.clear_expired_sessions()
    assert Session.objects.exists()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=41)):
        tasks.clear_expired_sessions()
    assert not Session.objects.exists()
