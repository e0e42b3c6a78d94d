"""Statistics (issue 15): the rollup, scope, suppression, the pages, the exports."""

import pytest
from django.urls import reverse

from cases.models import Case
from tests.helpers import login, make_analyst, make_case


@pytest.mark.django_db
def test_smoke_pages(client, world, regions):
    bj = world.beijing
    for state in [Case.State.RECEIVED, Case.State.RESOLVED, Case.State.REFERRED, Case.State.CLOSED]:
        make_case(
            bj.station,
            bj.volunteer,
            state=state,
            amount_claimed=1000,
            parties=[{"kind": "platform", "name": "美团"}],
        )
    analyst = make_analyst("")
    login(client, analyst)
    for name in ["overview", "sources", "flow", "outcomes", "lawyers"]:
        r = client.get(reverse(f"statistics:{name}"))
        assert r.status_code == 200, name
        r = client.get(reverse(f"statistics:{name}"), {"region": "110105"})
        assert r.status_code == 200, name
        r = client.get(reverse(f"statistics:{name}"), {"region": "110000"})
        assert r.status_code == 200, name
    login(client, bj.coordinator)
    for name in ["overview", "sources", "flow", "outcomes", "lawyers"]:
        r = client.get(reverse(f"statistics:{name}"))
        assert r.status_code == 200, name
        r = client.get(reverse(f"statistics:{name}"), {"station": bj.station.code})
        assert r.status_code == 200, name
    assert client.get(reverse("statistics:report_xlsx")).status_code == 200
    assert client.get(reverse("statistics:ledger_xlsx")).status_code == 200
    assert client.get(reverse("statistics:ledger_csv")).status_code == 200
