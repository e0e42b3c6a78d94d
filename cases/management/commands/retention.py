"""`manage.py retention`: the dry run of the retention job (what it would anonymise now).
`--apply` does it (the daily job "yizhan:retention" runs the same)."""

import json

from django.core.management.base import BaseCommand

from cases.privacy import retention


class Command(BaseCommand):
    help = (
        "Report the archived cases past CASE_RETENTION_DAYS whose personal data the "
        "retention job would remove (changes nothing); --apply removes it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="anonymise them now")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *, apply, json: bool = False, **options):
        result = retention.apply() if apply else retention.report()
        if options.get("json") or json:
            self.stdout.write(_dumps(result))
            return
        verb = "Anonymised" if apply else "Would anonymise (dry run; --apply to do it)"
        self.stdout.write(
            f"{verb}: {len(result['cases'])} case(s) archived before "
            f"{result['archived_before'] or 'never (CASE_RETENTION_DAYS=0)'}, "
            f"{result['workers']} worker record(s), {result['attachments']} attachment(s), "
            f"{result['documents']} document(s), {result['bytes']} bytes of files."
        )
        for number in result["cases"]:
            self.stdout.write(f"  {number}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
