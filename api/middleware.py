"""Every call by an API client is logged (ApiCall): which client, which operation,
which case, what answer. Staff actions are in the case log and the security log; a
client's are here too, whatever the answer (a 401 names no client).

An answer to a request carrying a token (a client's or a worker's) is never stored by
a cache on the way (no-store), like the signed-in pages (config/middleware.py)."""

from accounts.security import client_ip
from api.models import ApiCall


class ApiCallLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
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
