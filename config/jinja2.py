"""The Jinja2 environment for the worker's status pages (templates/jinja2/status/).

Workers reload step 3 of /status/ all day, and its goal is 1.5× a bare view doing one
indexed query (bench/status_page.py measures both). Django's template engine spent
most of that rendering it: node overhead, a gettext per {% translate %} tag, and a
freshly masked CSRF token per form. Jinja2, with the context below, takes a fraction
of it. Staff pages stay on Django templates;
these few public pages are the only Jinja2 ones and share no includes with them.

Translatable text in these templates is written `{{ _('…') }}`: Django's makemessages
extracts that form from .html files, so the one message catalogue covers both engines.
"""

import functools

from django.conf import settings
from django.contrib.messages import get_messages
from django.template.backends.utils import csrf_input
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from jinja2 import Environment

from .i18n import gettext as remembered_gettext


def environment(**options) -> Environment:
    env = Environment(**options)
    env.globals.update(static=static, url=url)
    return env


def url(name: str, *args) -> str:
    """reverse(), remembered per URLconf and prefix (the finder links every station it
    shows to its self-help page)."""
    return _url(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), name, *args)


@functools.lru_cache(maxsize=4096)
def _url(urlconf: str, prefix: str, name: str, *args) -> str:
    return reverse(name, urlconf=urlconf, args=args)


def worker_page(request) -> dict:
    """Context for every worker page, worked out once per page."""
    language = translation.get_language()
    gettext = functools.partial(remembered_gettext.in_language, language)
    return {
        "_": gettext,
        "LANGUAGE_CODE": language,
        "SITE_NAME": gettext(settings.SITE_NAME),
        "NETWORK_NAME": gettext(settings.NETWORK_NAME),
        # One masked token for all the page's forms (the lazy default masks per use).
        "csrf_input": csrf_input(request),
        "messages": get_messages(request),
    }
