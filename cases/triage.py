"""The coordinator's triage board: each received case with its decisions inline.

A board of 20 cases shows about 60 small transition forms, and rendering each one as
a Django form (every widget and every radio option through its own template) took
most of the board's time (bench/triage_page.py). The forms on the board are
never bound (a rejected submission comes back on the case page, with its errors), so
two cases in the same state with the same preselection get the same form but for the
action URL and the element ids. Each such form is rendered once per page, through
the same cases/_transition_form.html as the case page, with a stand-in case number
and id prefix, then copied per case with the real ones put in.
"""

from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from cases import workflow
from cases.claims import exempt_42_3
from cases.deadlines.bookkeeping import next_act_by
from cases.deadlines.rules import aid_first_notice
from cases.links import STAND_IN, case_url
from cases.models import Case, Party, Worker
from lawyers.models import ClaimType

# Stand-ins, replaced per case. The number must match the URL pattern; both are
# replaced only inside action="…", id="…" and for="…", never in what a user typed.
_NUMBER = STAND_IN
_ID = "case-x"


def _render_once(request, name, case, next_url) -> str:
    form = workflow.form_for(name, case, auto_id=f"{_ID}-%s")
    stand_in = SimpleNamespace(number=_NUMBER, state=case.state)
    return render_to_string(
        "cases/_triage_form.html",
        {"tform": form, "case": stand_in, "next": next_url},
        request=request,
    )


def _copy_for(html: str, action: str, case) -> str:
    """`html` rendered for the stand-in, for `case`; `action` is its stand-in URL."""
    ids = f"c{case.pk}"
    return (
        html.replace(f'action="{action}"', f'action="{action.replace(_NUMBER, case.number)}"')
        .replace(f'id="{_ID}-', f'id="{ids}-')
        .replace(f'for="{_ID}-', f'for="{ids}-')
    )


class _Labels:
    """Choice labels, translated once per page: Model.get_FOO_display() hashes every
    lazy label of the field on each call (hundreds of gettext calls per board)."""

    def __init__(self):
        self.state = dict(Case.State.choices)
        self.eligibility = dict(Case.Eligibility.choices)
        self.platform = dict(Worker.Platform.choices)
        self.arrangement = dict(Worker.Arrangement.choices)
        self.party = dict(Party.Kind.choices)
        self.claims = dict(ClaimType.choices)
        self.separator = _("、")
        self.party_separator = _("；")
        self._cache = {}

    def __call__(self, mapping, value) -> str:
        key = (id(mapping), value)
        if key not in self._cache:
            self._cache[key] = str(mapping.get(value, value))
        return self._cache[key]


def board_rows(request, cases, next_url) -> list[dict]:
    """Per case on the page: display labels, its decision forms as HTML (the
    transitions this user may run now), and whether the 42(3) exemption applies."""
    rendered: dict[tuple, tuple[str, str]] = {}
    label = _Labels()
    rows = []
    today = timezone.localdate()
    act_by = next_act_by([case.pk for case in cases])  # one query for the page
    for case in cases:
        exemption = exempt_42_3(case.claim_list)
        parts = []
        for name in workflow.available_transitions(case, request.user):
            if workflow.TRANSITIONS[name].form is None:
                continue
            # What the markup depends on besides the number and ids: see the docstring.
            key = (name, case.state, exemption if name == "accept_for_aid" else None)
            if key not in rendered:
                rendered[key] = (
                    _render_once(request, name, case, next_url),
                    case_url("cases:transition", _NUMBER, name),
                )
            parts.append(_copy_for(*rendered[key], case))
        worker = case.worker
        created = timezone.localtime(case.created_at)
        rows.append(
            {
                "case": case,
                "url": case_url("cases:detail", case.number),
                "registered": f"{case.station.name} · {created:%Y-%m-%d %H:%M}"
                + _("（%(since)s前）") % {"since": timesince(created)},
                "state": label(label.state, case.state),
                "eligibility": label(label.eligibility, case.eligibility),
                "worker": f"{worker.name} {worker.masked_phone} · "
                f"{label(label.platform, worker.platform)} · "
                f"{label(label.arrangement, worker.arrangement)}",
                "claims": label.separator.join(label(label.claims, c) for c in case.claim_list),
                "parties": label.party_separator.join(
                    f"{label(label.party, p.kind)}：{p.name}" for p in case.parties.all()
                ),
                # Safe: rendered by the template engine; only the number (digits and
                # dashes) and the primary key were put in.
                "actions_html": mark_safe("".join(parts)),
                "exemption": exemption,
                # 法律援助法 44(1)(一): a deadline fewer than seven days away.
                "aid_first": aid_first_notice(act_by.get(case.pk), today),
            }
        )
    return rows
