"""What a client may see and do, through the same rules as staff (cases.permissions).

A partner client is scoped by its region prefix like a coordinator of a union with
that scope; an analyst client like an analyst (aggregates only, suppressed, no case).
Rather than restate those rules, the client's system account is handed to
`cases.permissions` with the Access it would have if it held such a membership:
`visible_cases`, `roles_on`, the transitions' `permission=` and `statistics_view`
then answer for the client exactly as for staff."""

from api.models import ApiClient
from stations.models import Access, Membership


def acting_user(client: ApiClient):
    """The client's system account, seen by cases.permissions as holding its scope."""
    user = client.user
    if client.kind == ApiClient.Kind.ANALYST:
        access = Access([], [], {Membership.Role.ANALYST}, [client.region_prefix])
    else:
        access = Access([], [client.region_prefix], {Membership.Role.COORDINATOR})
    user._station_access = access  # Access.of reads this per-object cache
    return user


def stations_in_scope(client: ApiClient):
    from stations.models import Station

    return Station.objects.filter(active=True, region_code__startswith=client.region_prefix)
