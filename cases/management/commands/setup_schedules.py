from django.core.management.base import BaseCommand
from django_q.models import Schedule

from cases.tasks import SCHEDULES


class Command(BaseCommand):
    help = "Create or update the recurring django-q2 jobs declared in cases.tasks.SCHEDULES."

    def handle(self, **options):
        names = []
        for spec in SCHEDULES:
            spec = dict(spec)
            name = spec.pop("name")
            Schedule.objects.update_or_create(name=name, defaults=spec)
            names.append(name)
        # Jobs we no longer declare are removed, so a rename does not leave a ghost running.
        Schedule.objects.filter(name__startswith="yizhan:").exclude(name__in=names).delete()
        self.stdout.write(f"{len(names)} 个定时任务已就绪。")
