"""`manage.py calculate KIND --param NAME=VALUE [--param …] [--json]`: one computation.

Prints a readable list of the items, their formulas and citations, and the total; with
--json one object: {"kind", "total", "items": [{"code", "label", "amount", "formula",
"citation", "in_total"}]}, amounts as strings with two decimals ("56000.00"), or null
for a line that cannot be computed from the inputs. An unknown kind, a malformed, unknown,
repeated, missing or invalid parameter exits with code 2 and a message on stderr.
Needs no database.
"""

import json
import unicodedata

from django.core.management.base import BaseCommand, CommandError

from cases import calculator


class Command(BaseCommand):
    help = "计算赔偿、补偿金额，并列出每一项的计算过程与法律依据。"
    # Pure arithmetic: nothing to check, and it must run where no database is set up.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("kind", help="计算类型：" + "、".join(calculator.KINDS))
        parser.add_argument(
            "--param",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="参数，可重复，例如 --param wage=8000 --param grade=7",
        )
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, kind, param, json=False, **options):
        params = {}
        for pair in param:
            name, sep, value = pair.partition("=")
            name = name.strip()
            if not sep or not name:
                raise CommandError(
                    f"参数格式不正确：{pair}。请写成 NAME=VALUE，例如 --param wage=8000。",
                    returncode=2,
                )
            if name in params:
                raise CommandError(f"参数 {name} 重复出现，请只填写一次。", returncode=2)
            params[name] = value
        try:
            result = calculator.calculate(kind, params)
        except calculator.CalculatorError as error:
            raise CommandError(str(error), returncode=2) from None
        if json:
            self.stdout.write(_dumps(result.as_json()))
            return
        for line in _table(result):
            self.stdout.write(line)


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _table(result) -> list[str]:
    rows = []
    for item in result.items:
        label = str(item.label) + ("" if item.in_total else " *")
        amount = "—" if item.amount is None else f"{item.amount:,.2f}"
        rows.append((label, amount, item))
    label_width = max([_width("合计")] + [_width(r[0]) for r in rows])
    amount_width = max([len(f"{result.total:,.2f}")] + [len(r[1]) for r in rows])
    lines = [f"{result.label}（{result.kind}）", ""]
    for label, amount, item in rows:
        lines.append(f"{_pad(label, label_width)}  {amount:>{amount_width}} 元")
        lines.append(f"    计算：{item.formula}")
        lines.append(f"    依据：{item.citation}")
    lines.append("")
    lines.append(f"{_pad('合计', label_width)}  {result.total:>{amount_width},.2f} 元")
    if any(not item.in_total for item in result.items):
        lines.append("* 不计入合计：按月支付、附条件或须另行确定的项目")
    return lines
