"""Requests no person sends.

PostgreSQL text cannot hold a NUL character: a NUL in the path, the query string
or a posted field reached a query and failed with a 500 (found by fuzzing every URL
as every role). No form or link produces one, so such a request gets a plain 400
before any view runs.
"""

from django.http import HttpResponseBadRequest


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET) or _has_nul(request.POST):
            return HttpResponseBadRequest("Bad request: NUL character.")
        return self.get_response(request)


def _has_nul(params) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in params.getlist(key)) for key in params
    )
