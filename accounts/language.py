"""A staff member's interface language belongs to their account, not to one browser.

- `set_language` wraps Django's view of the same name (the 中文/English switch): the
  choice is saved on the account and in the session, besides Django's cookie.
- At sign-in (`remember_at_login`, from accounts.receivers) the account's choice is put
  in the session, so a new device shows it whatever the browser's Accept-Language says.
- `LanguagePreferenceMiddleware` (after LocaleMiddleware and authentication) makes the
  session's choice win over Accept-Language and refreshes the cookie to match. It reads
  no database row per request, and leaves the worker's public pages alone (they must not
  touch the session: accounts.middleware.NOT_STAFF_NAMESPACES).
"""

from django.conf import settings
from django.utils import translation
from django.views.i18n import set_language as django_set_language

from accounts.middleware import NOT_STAFF_NAMESPACES, NOT_STAFF_VIEWS
from accounts.models import LanguagePreference

SESSION_KEY = "account_language"
LANGUAGES = {code for code, _name in settings.LANGUAGES}


def set_language(request):
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and language in LANGUAGES and request.user.is_authenticated:
        LanguagePreference.objects.update_or_create(
            user=request.user, defaults={"language": language}
        )
        request.session[SESSION_KEY] = language
    return response


def remember_at_login(request, user) -> None:
    language = (
        LanguagePreference.objects.filter(user=user).values_list("language", flat=True).first()
    )
    if language:
        request.session[SESSION_KEY] = language


class LanguagePreferenceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        language = getattr(request, "account_language_cookie", "")
        if language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        return response

    def process_view(self, request, view, args, kwargs):
        match = request.resolver_match
        if match and (match.namespace in NOT_STAFF_NAMESPACES or match.url_name in NOT_STAFF_VIEWS):
            return None
        language = request.session.get(SESSION_KEY)
        if language in LANGUAGES and language != request.LANGUAGE_CODE:
            translation.activate(language)
            request.LANGUAGE_CODE = language
            request.account_language_cookie = language
        return None
