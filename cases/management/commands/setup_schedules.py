import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone
from django_q.models import Schedule

from cases.tasks import SCHEDULES


def parse_at(at: str) -> datetime.time:
    hour, minute = (int(part) for part in at.split(":"))
    return datetime.time(hour, minute)


def next_daily_run(at: str, now: datetime.datetime | None = None) -> datetime.datetime:
    """The next time the local clock (settings.TIME_ZONE) shows `at` ("HH:MM"), after `now`."""
    now = timezone.localtime(now or timezone.now())
    time = parse_at(at)
    run = timezone.make_aware(datetime.datetime.combine(now.date(), time))
    if run <= now:
        run = timezone.make_aware(
            datetime.datetime.combine(now.date() + datetime.timedelta(days=1), time)
        )
    return run


def keeps_time(schedule: Schedule | None, at: str) -> bool:
    """An existing schedule already running at `at` local time keeps its next_run:
    re-running the command (every deploy) must not skip or repeat a day's run."""
    if schedule is None or schedule.next_run is None:
        return False
    local = timezone.localtime(schedule.next_run)
    return (local.hour, local.minute) == (parse_at(at).hour, parse_at(at).minute)


class Command(BaseCommand):
    help = "Create or update the recurring django-q2 jobs declared in cases.tasks.SCHEDULES."

    def handle(self, **options):
        names = []
        for spec in SCHEDULES:
            spec = dict(spec)
            name = spec.pop("name")
            at = spec.pop("at", None)
            if at and not keeps_time(Schedule.objects.filter(name=name).first(), at):
                # New, or declared at a new time of day: start at the next such time.
                spec["next_run"] = next_daily_run(at)
            # Without "at", an existing schedule's next_run is left as it is.
            Schedule.objects.update_or_create(name=name, defaults=spec)
            names.append(name)
        # Jobs we no longer declare are removed, so a rename does not leave a ghost running.
        Schedule.objects.filter(name__startswith="yizhan:").exclude(name__in=names).delete()
        self.stdout.write(f"{len(names)} 个定时任务已就绪。")
