from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("案件")

    def ready(self):
        # Deliberate imports: the deploy checks register themselves, and each feature
        # declares its case-log event kinds (cases.events) when its module loads; the
        # workflow imports every feature that writes events.
        from cases import checks, completion, privacy, workflow  # noqa: F401
        from cases.selfhelp import submission  # noqa: F401
