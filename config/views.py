"""Pages the front proxy sends people to."""

from django.views.decorators.cache import never_cache

from config.middleware import too_large_page


@never_cache
def request_too_large(request):
    """Where nginx sends a request over its client_max_body_size (deploy/nginx/yizhan.conf,
    error_page 413), so the person reads the app's page with the limit, not nginx's bare
    413. nginx passes the refused request's size in X-Request-Length."""
    try:
        size = int(request.headers.get("X-Request-Length") or "")
    except ValueError:
        size = None
    return too_large_page(request, size)
