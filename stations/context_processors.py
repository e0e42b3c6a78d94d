from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext, gettext_noop

from .models import Access

# The default names in config/settings.py have English entries; a name set in the
# environment has none and is shown as configured.
DEFAULT_NAMES = (gettext_noop("驿站法援"), gettext_noop("工会驿站法律援助网络"))


def site(request):
    """Site name and the signed-in user's roles, for navigation.

    The roles are worked out only when a template reads them: the worker's public
    status pages never do, so they load neither the session nor the user."""
    return {
        "SITE_NAME": gettext(settings.SITE_NAME),
        "NETWORK_NAME": gettext(settings.NETWORK_NAME),
        "nav_roles": SimpleLazyObject(lambda: _nav_roles(getattr(request, "user", None))),
    }


def _nav_roles(user):
    if user is None or not user.is_authenticated:
        return {"volunteer": False, "coordinator": False, "lawyer": False, "analyst": False}
    if hasattr(user, "nav_volunteer"):
        # Loaded with the user by the authentication backend: no query here.
        return {
            "volunteer": user.nav_volunteer,
            "coordinator": user.nav_coordinator,
            "lawyer": hasattr(user, "lawyer"),
            "analyst": user.nav_analyst,
        }
    access = Access.of(user)
    return {
        "volunteer": access.is_volunteer,
        "coordinator": access.is_coordinator,
        "lawyer": hasattr(user, "lawyer"),
        "analyst": access.is_analyst,
    }
