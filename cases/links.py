"""Case URLs for many rows at once.

Boards, queues and the reminder sweep build a URL per row. reverse() resolves the
pattern every time; case numbers are URL-safe (digits and dashes), so the URL of any
case is the URL of a stand-in number with the real one put in. `case_url` reverses
each pattern once per URLconf and formats per row.
"""

import functools

from django.urls import get_urlconf, reverse

# Matches the <str:number> patterns, and never occurs in a real URL.
STAND_IN = "000000-0000-00000"


def case_url(name: str, number: str, *args) -> str:
    """reverse(name, args=[number, *args]), with the pattern resolved once."""
    prefix, suffix = _pattern(get_urlconf(), name, args)
    return f"{prefix}{number}{suffix}"


@functools.lru_cache(maxsize=64)
def _pattern(urlconf, name: str, args: tuple) -> tuple[str, str]:
    prefix, _sep, suffix = reverse(name, args=[STAND_IN, *args]).partition(STAND_IN)
    return prefix, suffix
