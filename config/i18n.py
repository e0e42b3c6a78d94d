"""Wording remembered per language, for the worker's status page.

Django's gettext costs a few microseconds a call (it finds the active language in a
context-local) and date_format more. Step 3 of /status/ asks for the same few dozen phrases and dates on every request, so their answers are kept per
language. Use this only on pure functions of their arguments and the active language:
message catalogues and formats do not change while a process serves.
"""

import functools

from django.conf import settings
from django.utils import translation


def per_language(function):
    """Memoize `function(*args)` per active language. `.in_language(language, *args)`
    skips the lookup of the active language for callers that already know it."""

    @functools.lru_cache(maxsize=4096)
    def in_language(language, *args):
        with translation.override(language):
            return function(*args)

    @functools.wraps(function)
    def current(*args):
        return in_language(translation.get_language(), *args)

    current.in_language = in_language
    return current


gettext = per_language(translation.gettext)


def in_every_language(compose) -> dict[str, str]:
    """{language code: compose() in that language} for each of settings.LANGUAGES: for
    text stored now and read later by people who may use another language."""
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = str(compose())
    return texts
