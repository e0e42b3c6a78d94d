from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "stations"
    verbose_name = _("驿站与工会")

    def ready(self):
        from stations import taskworker  # django_q.cluster needs the app registry ready

        taskworker.install()
