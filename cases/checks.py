"""Deployment checks (`manage.py check --deploy`) for settings this project adds."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def status_page_client_address(app_configs, **kwargs):
    # Behind nginx every request comes from 127.0.0.1: without the header, the status
    # page's per-address limit would be one bucket shared by every worker in the city.
    if settings.STATUS_CLIENT_IP_HEADER:
        return []
    return [
        Warning(
            "STATUS_CLIENT_IP_HEADER is not set: the status page rate-limits by REMOTE_ADDR.",
            hint="Behind a reverse proxy set STATUS_CLIENT_IP_HEADER=HTTP_X_REAL_IP and have "
            "the proxy send X-Real-IP $remote_addr (see docs/deployment.md).",
            id="yizhan.W001",
        )
    ]
