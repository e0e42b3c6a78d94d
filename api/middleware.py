"""Every call by an API client is logged (ApiCall): which client, which operation,
which case, what answer. Staff actions are in the case log and the security log; a
client's are here too, whatever the answer (a 401 names no client)."""

from accounts.security import client_ip
from api.models import ApiCall


class ApiCallLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
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
