"""manage.py create_api_client NAME --region PREFIX --scope SCOPE [--scope …]

Prints the client's token once, alone on the last line (only its hash is stored)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from api import tokens
from api.models import ApiClient, Scope


class Command(BaseCommand):
    help = "Register an API client and print its token (once)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--region", required=True, help="region-code prefix, e.g. 5301")
        parser.add_argument(
            "--scope", action="append", required=True, choices=Scope.values, dest="scopes"
        )
        parser.add_argument("--kind", default=ApiClient.Kind.PARTNER, choices=ApiClient.Kind.values)
        parser.add_argument("--contact", default="")
        parser.add_argument(
            "--days", type=int, default=tokens.TOKEN_TTL.days, help="token lifetime in days"
        )

    def handle(self, *args, name, region, scopes, kind, contact, days, **options):
        if ApiClient.objects.filter(name=name).exists():
            raise CommandError(f"a client named {name!r} exists")
        try:
            client, token = tokens.create_client(
                name, region_prefix=region, scopes=scopes, kind=kind, contact=contact, days=days
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(
            f"client {client.name}: region {client.region_prefix}, scopes "
            f"{' '.join(client.scopes)}, token expires {client.token_expires_at:%Y-%m-%d}"
        )
        self.stdout.write(token)
