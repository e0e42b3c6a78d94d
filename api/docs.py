"""/api/v1/docs: the operations, read from the same OpenAPI schema, rendered on the
server. Not Swagger UI: ninja's page loads swagger from a CDN and runs an inline
script, which the site's CSP (script-src 'self', no inline) forbids and a machine
without internet cannot fetch; a plain page needs neither and is readable anywhere."""

import json

from django.shortcuts import render
from django.views.decorators.http import require_GET

from api.v1 import api


@require_GET
def page(request):
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    operations = []
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "auth": bool(op.get("security")),
                    "parameters": op.get("parameters", []),
                    "body": json.dumps(body.get("schema", {}), ensure_ascii=False) if body else "",
                    "responses": sorted(op.get("responses", {})),
                    "tag": (op.get("tags") or [""])[0],
                }
            )
    return render(
        request,
        "api/docs.html",
        {"info": schema["info"], "operations": operations},
    )
