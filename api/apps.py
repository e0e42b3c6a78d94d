from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("对接接口")

    def ready(self):
        # Webhook deliveries are written in the transition's own transaction.
        from api import webhooks
        from cases import workflow

        workflow.transition_recorded.connect(webhooks.on_transition, dispatch_uid="api.webhooks")
