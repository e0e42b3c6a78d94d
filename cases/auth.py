"""The authentication backend: Django's ModelBackend, loading a little more per request.

Every signed-in page shows the navigation (which depends on the user's roles), the
notifications bell (the unread count) and, for lawyers, needs the Lawyer profile.
Loaded separately that is three more queries on every page; here they ride along with
the one query that loads the user from the session anyway.

What the annotations are for, and what they are not: `nav_volunteer`,
`nav_coordinator`, `nav_analyst` and `unread_notifications` are for display only. Access decisions
still go through stations.models.Access, which reads the memberships itself.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from cases.models import Notification
from stations.models import Membership


def users_for_request():
    """Users with their lawyer profile, nav roles and unread count: one query."""
    roles = Membership.objects.filter(user=OuterRef("pk"))
    unread = (
        Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        get_user_model()
        ._default_manager.select_related("lawyer")
        .annotate(
            nav_volunteer=Exists(roles.filter(role=Membership.Role.VOLUNTEER)),
            nav_coordinator=Exists(
                roles.filter(role__in=[Membership.Role.COORDINATOR, Membership.Role.ADMIN])
            ),
            nav_analyst=Exists(roles.filter(role=Membership.Role.ANALYST)),
            unread_notifications=Coalesce(Subquery(unread, output_field=IntegerField()), 0),
        )
    )


class RequestUserBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            user = users_for_request().get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
