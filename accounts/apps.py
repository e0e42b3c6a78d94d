from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("员工账户与安全日志")

    def ready(self):
        # Deliberate import: the receivers that write the security log connect to
        # Django's and django-axes' signals, and the deploy checks register, on load.
        from accounts import checks, receivers  # noqa: F401
