from django.conf import settings

from .models import Access


def site(request):
    """Site name and the signed-in user's roles, for navigation."""
    user = getattr(request, "user", None)
    roles = Access.of(user).roles if user is not None and user.is_authenticated else set()
    return {
        "SITE_NAME": settings.SITE_NAME,
        "NETWORK_NAME": settings.NETWORK_NAME,
        "nav_roles": {
            "volunteer": "volunteer" in roles,
            "coordinator": bool({"coordinator", "admin"} & roles),
            "lawyer": user is not None and user.is_authenticated and hasattr(user, "lawyer"),
        },
    }
