"""The one error shape of the API: {"error": {"code", "message", "fields"}}.

`message` (and each field's messages) are in the request's language: Chinese unless
the client sends `Accept-Language: en` (Django's LocaleMiddleware decides)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class ApiError(Exception):
    def __init__(self, status: int, code: str, message, fields=None, headers=None):
        super().__init__(str(message))
        self.status = status
        self.code = code
        self.message = str(message)
        self.fields = fields or {}
        self.headers = headers or {}


def body(code: str, message, fields=None) -> dict:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


NOT_FOUND = gettext_lazy("没有找到，或不在本客户端的地区范围内。")
INVALID = gettext_lazy("请求内容有误，请按 fields 中的说明修改。")


def not_found() -> ApiError:
    return ApiError(404, "not_found", NOT_FOUND)


def form_errors(form) -> dict:
    """A Django form's errors as {field: [messages]} ("__all__" for the form's own)."""
    return {name: [str(m) for m in messages] for name, messages in form.errors.items()}


def pydantic_fields(errors) -> dict:
    """ninja's validation errors as {field path: [message]}, in the reader's language."""
    fields: dict[str, list[str]] = {}
    for error in errors:
        loc = [
            str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "payload")
        ]
        name = ".".join(loc) or "__all__"
        if error.get("type") == "missing":
            message = _("此项为必填。")
        else:
            message = _("格式不正确。")
        fields.setdefault(name, []).append(message)
    return fields


# The words for a status when nothing more specific is known (Django's and ninja's own
# refusals, reshaped by api/middleware.py and the HttpError handler).
SHAPES = {
    400: ("bad_request", gettext_lazy("请求无法处理：格式不正确或含有不允许的字符。")),
    404: ("not_found", NOT_FOUND),
    405: ("method_not_allowed", gettext_lazy("不支持这种请求方法。")),
    413: ("too_large", gettext_lazy("请求体太大。")),
    500: ("server_error", gettext_lazy("服务器出错了，请稍后再试。")),
}
