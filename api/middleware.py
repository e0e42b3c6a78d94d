"""Every call by an API client is logged (ApiCall): which client, which operation,
which case, what answer. Staff actions are in the case log and the security log; a
client's are here too, whatever the answer (a 401 names no client).

An answer to a request carrying a token (a client's or a worker's) is never stored by
a cache on the way (no-store), like the signed-in pages (config/middleware.py)."""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.utils import translation

from accounts.security import client_ip
from api import errors
from api.models import ApiCall


class ApiCallLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = request.path.startswith("/api/v1/")
        if api and not _read_body(request):
            response = HttpResponse(status=413)  # shaped below
        else:
            response = self.get_response(request)
        if api:
            with translation.override(translation.get_language_from_request(request)):
                response = self._in_shape(response)
        if "HTTP_AUTHORIZATION" in request.META or "HTTP_X_WORKER_TOKEN" in request.META:
            response["Cache-Control"] = "no-store"
        client = getattr(request, "api_client", None)
        if client is not None:
            match = getattr(request, "resolver_match", None)
            ApiCall.objects.create(
                client=client,
                operation=f"{request.method} {match.route if match else request.path}"[:60],
                case_number=getattr(request, "api_case", ""),
                status=response.status_code,
                ip=client_ip(request),
            )
        return response

    @staticmethod
    def _in_shape(response):
        """Every refusal under /api/v1/ that is not already the API's JSON in its one
        error shape: Django's 404 (no such path), ninja's 405 (no such method), the
        400 for a NUL and the 413 for a body over the limit (config/middleware.py),
        Django's 400 for a body over DATA_UPLOAD_MAX_MEMORY_SIZE, and a 500. In the
        request's language even when the refusal came before LocaleMiddleware."""
        status = response.status_code
        if status < 400 or response.get("Content-Type", "").startswith("application/json"):
            return response
        code, message = errors.SHAPES.get(status, ("error", errors.SHAPES[400][1]))
        shaped = JsonResponse(errors.body(code, message), status=status)
        if response.has_header("Allow"):
            shaped["Allow"] = response["Allow"]
        return shaped


def _read_body(request) -> bool:
    """Read the body before anything parses it as a form: a multipart body read by
    RejectNulMiddleware's request.POST would leave ninja unable to read request.body
    (a 500). False when it is over DATA_UPLOAD_MAX_MEMORY_SIZE (refused unread)."""
    try:
        request.body  # noqa: B018 (cached on the request)
    except RequestDataTooBig:
        return False
    return True
