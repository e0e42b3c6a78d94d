"""The load test's server (bench/load_test.py): the app as deployed, plus the bare
one-query view at /bench/bare/ as the floor every page is compared with. Bench only:
cookies are not marked Secure, because locust talks plain HTTP on the loopback."""

import os
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import include, path  # noqa: E402


def bare(request):
    """One indexed query and a tiny response: what any page costs at least."""
    from cases.models import Case

    numbers = list(
        Case.objects.filter(station_id=request.GET.get("station", 1), state="received")
        .order_by("-created_at")
        .values_list("number", flat=True)[:20]
    )
    return HttpResponse(" ".join(numbers))


urls = types.ModuleType("bench_load_urls")
urls.urlpatterns = [path("bench/bare/", bare), path("", include("config.urls"))]
sys.modules["bench_load_urls"] = urls
settings.ROOT_URLCONF = "bench_load_urls"
settings.SESSION_COOKIE_SECURE = False
settings.CSRF_COOKIE_SECURE = False

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
