"""Case searches that keep what was typed out of URLs.

A search by phone number (`?q=13800138001`) puts the number in every log that records a
request line: nginx's error log writes it when gunicorn is briefly down, whatever the
access-log format (issue 22). So the search forms post the text; it is kept in the
session under a short random token and the list is shown at `?qs=<token>`, which is what
pagination links and "back to the list" carry. `?q=` still works for old bookmarks."""

import secrets
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

SESSION_KEY = "case_searches"
KEEP = 20  # the last searches of a session that links can still point to


def remember(request, keep_params=("state",)):
    """POST → a redirect to the same page with the search as a token."""
    text = request.POST.get("q", "").strip()[:100]
    params = {name: request.POST[name] for name in keep_params if request.POST.get(name)}
    if text:
        searches = request.session.get(SESSION_KEY, {})
        token = secrets.token_urlsafe(6)
        searches[token] = text
        request.session[SESSION_KEY] = dict(list(searches.items())[-KEEP:])
        params["qs"] = token
    return redirect(f"{request.path}?{urlencode(params)}" if params else request.path)


def current(request) -> tuple[str, str]:
    """The search text and the query-string piece that repeats it in a link."""
    token = request.GET.get("qs", "")
    if token:
        text = request.session.get(SESSION_KEY, {}).get(token, "")
        if not text:
            # A link from another session (signed in again, a shared link, an old tab):
            # say so rather than show the whole list as if it were the result.
            messages.info(request, _("这次搜索已失效，请重新输入搜索内容。下面是全部案件。"))
        return text, urlencode({"qs": token}) if text else ""
    text = request.GET.get("q", "").strip()
    return text, urlencode({"q": text}) if text else ""
