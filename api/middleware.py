"""Every call by an API client is logged (ApiCall): which client, which operation,
which case, what answer. Staff actions are in the case log and the security log; a
client's are here too, whatever the answer (a 401 names no client).

An answer to a request carrying a token (a client's or a worker's) is never stored by
a cache on the way (no-store), like the signed-in pages (config/middleware.py)."""

from django.http import JsonResponse
from django.utils.translation import gettext as _

from accounts.security import client_ip
from api import errors
from api.models import ApiCall


class ApiCallLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/v1/"):
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
        """Django's own 404 (no such path) and ninja's 405 (no such method) in the API's
        one error shape, like every other answer under /api/v1/."""
        if response.status_code not in (404, 405):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        if response.status_code == 404:
            shaped = JsonResponse(errors.body("not_found", errors.NOT_FOUND), status=404)
        else:
            shaped = JsonResponse(
                errors.body("method_not_allowed", _("不支持这种请求方法。")), status=405
            )
            if response.has_header("Allow"):
                shaped["Allow"] = response["Allow"]
        return shaped
