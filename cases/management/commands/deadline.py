"""`manage.py deadline RULE YYYY-MM-DD [--extended] [--json]`: compute one deadline.

Prints the due date (ISO) on the first line, then the computation in plain Chinese;
with --json one JSON object. An unknown rule or a bad date exits with code 2, and so
does a database that was never migrated (the holiday overrides live there): the
message says to run `migrate`.

For a period that starts when another ends (admin.lawsuit_after_reconsideration_silence,
15 days from the day the 复议 period ends), the date given is that end date.
"""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from cases.deadlines import counting
from cases.deadlines import rules as deadlines
from cases.deadlines.workdays import load_calendar


class Command(BaseCommand):
    help = "计算一条法定期限的届满日并说明计算过程。"

    def add_arguments(self, parser):
        parser.add_argument("rule", help="规则代码，例如 labor.suit_after_award")
        parser.add_argument("trigger", help="起算事件的日期，YYYY-MM-DD")
        parser.add_argument("--extended", action="store_true", help="适用法定延长")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, rule, trigger, extended=False, json=False, **options):
        if rule not in deadlines.RULES:
            known = "、".join(sorted(deadlines.RULES))
            raise CommandError(f"未知的期限规则：{rule}。可用的规则：{known}", returncode=2)
        try:
            date = datetime.date.fromisoformat(trigger)
            if len(trigger) != 10:
                raise ValueError
        except ValueError:
            raise CommandError(
                f"日期格式不正确：{trigger}。请使用 YYYY-MM-DD，例如 2026-03-15。", returncode=2
            ) from None
        try:
            calendar = load_calendar()
        except DatabaseError as exc:
            # No tables yet (a fresh checkout) or tables from an older release.
            raise CommandError(
                "无法读取节假日数据：数据库尚未初始化或未升级到最新结构。"
                f"请先运行 python manage.py migrate。（{str(exc).strip().splitlines()[0]}）",
                returncode=2,
            ) from None
        result = counting.compute(rule, date, calendar, extended=extended)
        if json:
            self.stdout.write(_dumps(result.as_json()))
            return
        self.stdout.write(result.due.isoformat())
        for line in counting.explain(result):
            self.stdout.write(line)


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
