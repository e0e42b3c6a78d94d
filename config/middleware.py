"""Requests refused before any view runs.

Requests no person sends.

PostgreSQL text cannot hold a NUL character: a NUL in the path, the query string,
a header (an API token, an Idempotency-Key) or a posted field reached a query and failed with a 500 (found by fuzzing every URL
as every role). No form or link produces one, so such a request gets a plain 400
before any view runs.

Requests larger than the site takes: LimitRequestSizeMiddleware.

And the security headers Django's SecurityMiddleware does not set.
"""

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.functional import empty
from django.utils.http import url_has_allowed_host_and_scheme


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.path
            or _has_nul(request.GET)
            or _has_nul(request.POST)
            or any("\x00" in v for k, v in request.META.items() if k.startswith("HTTP_"))
        ):
            return HttpResponseBadRequest("Bad request: NUL character.")
        return self.get_response(request)


def _has_nul(params) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in params.getlist(key)) for key in params
    )


class LimitRequestSizeMiddleware:
    """Refuse a request whose body is larger than settings.MAX_REQUEST_BYTES before
    anything reads it, with a page that says what the limit is (not a bare 413).

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE leaves file uploads out, so ten 10 MB
    attachments would otherwise be read to disk in full. The front proxy should
    allow at least this much (nginx: client_max_body_size, docs/deployment.md)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.MAX_REQUEST_BYTES
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        if size <= limit:
            return self.get_response(request)
        _drain(request, size, limit)
        return too_large_page(request, size)


def too_large_page(request, size: int | None):
    """The page for a request over the limit. It names the request's size only when the
    two differ as displayed: "26.2 MB, over the limit of 25.0 MB" says something,
    "25.0 MB, over the limit of 25.0 MB" (one byte over) does not."""
    limit = settings.MAX_REQUEST_BYTES
    if size is not None and filesizeformat(size) == filesizeformat(limit):
        size = None
    with translation.override(translation.get_language_from_request(request)):
        return render(
            request,
            "413.html",
            {"size": size, "limit": limit, "back": _same_site_referer(request)},
            status=413,
        )


def _drain(request, size: int, limit: int) -> None:
    """Read and drop a body up to twice the limit: a server that answers before the
    browser has finished sending makes many browsers show "connection reset" instead
    of the page. Beyond that, the connection is closed unread."""
    if size > 2 * limit:
        return
    stream = request.META.get("wsgi.input")
    left = size
    while stream is not None and left > 0:
        chunk = stream.read(min(left, 64 * 1024))
        if not chunk:
            break
        left -= len(chunk)


def _same_site_referer(request) -> str:
    referer = request.META.get("HTTP_REFERER", "")
    if url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
        return referer
    return ""


# Browser features no page here uses: a script that got in cannot reach them either.
# Geolocation is the one exception: the public station finder's "near me" asks for it,
# on our own pages only (no frame of another origin gets it).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(self), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response, and `Cache-Control: private, no-store` on
    every page shown to a signed-in user (case pages, lists with workers' names), so
    none stays in the browser's cache for the next person at a shared station computer
    after logout. The worker's status pages (no account) set it on their own view,
    without loading the user (their one-query budget)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if not response.get("Content-Type", "").startswith("text/html"):
            # A policy is for pages the browser renders: on a PDF it only gets in the
            # way of the browser's viewer (django-csp reads this flag).
            response._csp_exempt = True
        user = getattr(request, "user", None)
        # Only when the view already loaded the user: never a query of its own.
        loaded = user is not None and getattr(user, "_wrapped", None) is not empty
        if loaded and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
