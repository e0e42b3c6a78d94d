"""`manage.py state_diagram`: the case state machine as a Mermaid diagram.

Drawn from the django-fsm transitions on Case, so docs/state-machine.md cannot drift
from the code (tests/test_transitions.py compares them). Mermaid rather than
django-fsm's graph_transitions: GitHub renders it, and it needs no graphviz.
"""

from django.core.management.base import BaseCommand
from django.utils import translation

from cases.models import Case


def mermaid() -> str:
    field = Case._meta.get_field("state")
    with translation.override("zh-hans"):
        lines = ["stateDiagram-v2"]
        lines += [f"    {value}: {label}" for value, label in Case.State.choices]
        lines.append(f"    [*] --> {Case.State.RECEIVED}: intake")
        edges = sorted(
            {(t.source, t.target, t.name) for t in field.get_all_transitions(Case)},
            key=lambda edge: (list(Case.State.values).index(edge[0]), edge[2]),
        )
        lines += [f"    {source} --> {target}: {name}" for source, target, name in edges]
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "以 Mermaid 图输出案件状态机（docs/state-machine.md 中的图由此生成）。"

    def handle(self, **options):
        self.stdout.write(mermaid(), ending="")
